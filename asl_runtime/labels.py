"""The 29 class labels and the mapping from dataset folder names to them."""

import string

CLASSES: tuple[str, ...] = (*string.ascii_uppercase, "del", "nothing", "space")
_BY_KEY = {name.lower(): index for index, name in enumerate(CLASSES)}


class UnknownClassError(ValueError):
    """A dataset folder name that is not one of the 29 labels."""


def class_index(folder_name: str) -> int:
    """Index of the label a folder stands for, matched case-insensitively ('Del' -> del)."""
    try:
        return _BY_KEY[folder_name.strip().lower()]
    except KeyError:
        raise UnknownClassError(
            f"'{folder_name}' is not a class folder: expected A-Z, del, nothing or space"
        ) from None


def is_class_name(folder_name: str) -> bool:
    return folder_name.strip().lower() in _BY_KEY
