"""Network architectures. Every checkpoint names its architecture by a key of ARCHS."""

import torch
from torch import nn

from asl_runtime.labels import CLASSES
from asl_runtime.preprocess import INPUT_SIZE


class ASLNet(nn.Module):
    """The reference network of the study, unchanged.

    Conv(3,16,5,p2)-ReLU-MaxPool2 -> Conv(16,32,5,p2)-ReLU-MaxPool2 -> Linear(.., 29);
    the linear layer's in_features follow from the input size (1568 for 28x28).
    """

    def __init__(self, num_classes: int = len(CLASSES), input_size: int = INPUT_SIZE):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(3, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.conv2 = nn.Sequential(nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        side = input_size // 2 // 2
        self.out = nn.Linear(32 * side * side, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv2(self.conv1(x))
        return self.out(x.flatten(1))


def _conv_bn(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class DeepCNN(nn.Module):
    """Six 3x3 conv + batch-norm layers (32-64-128), global average pool, dropout.

    Same 28x28 input as ASLNet, ~0.29 M parameters; it generalises far better to people
    and rooms outside the training photos (docs/model-card.md).
    """

    def __init__(self, num_classes: int = len(CLASSES), input_size: int = INPUT_SIZE):
        super().__init__()
        self.features = nn.Sequential(
            _conv_bn(3, 32), _conv_bn(32, 32), nn.MaxPool2d(2),
            _conv_bn(32, 64), _conv_bn(64, 64), nn.MaxPool2d(2),
            _conv_bn(64, 128), _conv_bn(128, 128), nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(128, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


ARCHS: dict[str, type[nn.Module]] = {"aslnet": ASLNet, "deepcnn": DeepCNN}


def build_model(arch: str, num_classes: int = len(CLASSES),
                input_size: int = INPUT_SIZE) -> nn.Module:
    try:
        cls = ARCHS[arch]
    except KeyError:
        raise ValueError(f"unknown architecture '{arch}': choose one of {', '.join(ARCHS)}") from None
    return cls(num_classes=num_classes, input_size=input_size)
