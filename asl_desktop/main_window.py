"""The main window: Live and Training tabs, menus, shortcuts and the status bar."""

from __future__ import annotations

import html
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget

from asl_runtime import shipped

from . import __version__, settings, theme
from .core.frames import is_camera_spec
from .core.region import GuideBox
from .extras import TRAIN_HINT, training_installed
from .keys import ReturnPressesButtons
from .live_controller import LiveController
from .live_tab import LiveTab


class MainWindow(QMainWindow):
    def __init__(self, source: str | int | None = None, model: str | None = None, with_training: bool = True):
        super().__init__()
        self.setWindowTitle("ASL Desktop")
        # never larger than the screen (large fonts or a small laptop screen): the side panels scroll
        room = self.screen().availableGeometry() if self.screen() else None
        fit = (lambda w, h: (min(w, room.width()), min(h, room.height()))) if room else (lambda w, h: (w, h))
        self.resize(*fit(1200, 800))
        self.setMinimumSize(*fit(960, 660))
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.controller = LiveController(self)
        self.live = LiveTab(self.controller)
        self.tabs.addTab(self.live, "Live")
        self.training = self.my_signs = None
        if with_training:
            if training_installed():
                from .training_tab import TrainingTab
                self.training = TrainingTab()
                self.training.use_model.connect(self.load_model)
                self.tabs.addTab(self.training, "Training")
            else:
                hint = QLabel(TRAIN_HINT)
                hint.setWordWrap(True)
                hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
                hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.tabs.addTab(hint, "Training")
            from .my_signs_tab import MySignsTab
            self.my_signs = MySignsTab(self.controller, lambda: self.model_path)
            self.my_signs.use_model.connect(self.load_model)
            self.tabs.addTab(self.my_signs, "My signs")
        from .practice_tab import PracticeTab
        self.practice = PracticeTab(self.controller)
        self.tabs.addTab(self.practice, "Practice")
        self.model_label = QLabel()
        self.statusBar().addPermanentWidget(self.model_label)
        self.controller.status.connect(lambda text: self.statusBar().showMessage(text))
        self.controller.model_loaded.connect(self._on_model_changed)
        self.controller.model_failed.connect(self._on_model_error)
        self._build_menus()
        if settings.read(settings.THEME) != "system":
            theme.apply(settings.read(settings.THEME))
        # on each button of the window (all exist by now), not the whole application: a Python
        # filter on every event of every object crashed QtWebEngine under X11
        self._return_presses = ReturnPressesButtons(self)
        for button in self.findChildren(QAbstractButton):
            button.installEventFilter(self._return_presses)

        geometry = settings.read(settings.GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        # a model that is gone or damaged fails to load: the dialog says so and the shipped one is used
        self.model_path = model or settings.read(settings.MODEL) or str(shipped.default_model())
        self.model_ready = False
        self._picture_name, self._hands_on = "", True  # named in the status bar (_show_models)
        self.load_model(self.model_path)
        initial = source if source is not None else self.controller.initial_source()
        # a video or image folder waits for the model, or its first seconds would go unread
        self._waiting_source = None if is_camera_spec(initial) else initial
        if self._waiting_source is None:
            self.controller.open_source(initial)
        else:
            self.controller.show_message("Loading the model...")

    def _open_waiting_source(self) -> None:
        if self._waiting_source is not None:
            self.open_source(self._waiting_source)

    def open_source(self, spec: str | int) -> None:
        """Open a camera, video or folder now (one chosen before the model was ready included)."""
        self._waiting_source = None
        self.controller.open_source(spec)

    def _action(self, menu, text: str, slot, shortcut=None, checkable=False, checked=False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        if checkable:
            action.setChecked(checked)
            action.toggled.connect(slot)
        else:
            action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "Open &video file...", self.open_video, QKeySequence.StandardKey.Open)
        self._action(file, "Open &image folder...", self.open_folder, "Ctrl+Shift+O")
        self._action(file, "Use &camera", lambda: self.open_source(self.controller.initial_source()), "Ctrl+K")
        self._action(file, "&Play again", self.controller.replay, "Ctrl+R")
        file.addSeparator()
        self._action(file, "Open &model...", self.open_model, "Ctrl+M")
        self._action(file, "Use the &shipped model", lambda: self.load_model(str(shipped.default_model())))
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self._action(edit, "&Copy text", self.live.copy_text, "Ctrl+Shift+C")
        self._action(edit, "&Backspace", self.controller.backspace, "Backspace")
        self._action(edit, "New &sentence (clear the text)", self.live.clear_text, "Ctrl+L")
        self._action(edit, "&Undo New sentence", self.live.undo_clear, QKeySequence.StandardKey.Undo)
        self._build_text_menu(bar.addMenu("&Text"))
        view = bar.addMenu("&View")
        self.pause_action = self._action(view, "&Pause", self.controller.set_paused, "Space", checkable=True)
        # Space pauses while the video has the focus; on a focused button or check box it presses
        # that instead (the video takes the focus whenever a source opens)
        self.pause_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.live.view.addAction(self.pause_action)
        self.controller.paused_changed.connect(self.pause_action.setChecked)
        mirror = self._action(view, "&Mirror", self.live.set_mirror, "Ctrl+I", True, self.live.mirror)
        self.live.mirror_changed.connect(mirror.setChecked)
        self._action(view, "&Reset the box (the largest centred square)",
                     lambda: self.controller.set_guide(GuideBox()), "Ctrl+0")
        anywhere = self._action(view, "&Find my hand anywhere in view", self.live.set_anywhere, "Ctrl+F", True,
                                self.live.anywhere)
        self.live.anywhere_changed.connect(anywhere.setChecked)
        hands = self._action(view, "Read the &hand's shape (landmarks)", self.controller.set_landmarks, "Ctrl+H", True,
                             settings.read(settings.LANDMARKS))

        def show_hands(on: bool) -> None:  # unavailable: unticked, the preference stays for next time
            hands.blockSignals(True)
            hands.setChecked(on)
            hands.blockSignals(False)
        self.controller.hands_changed.connect(lambda on, _: show_hands(on))
        self.controller.hands_changed.connect(lambda on, _: self._show_models(on))
        themes = view.addMenu("Th&eme")
        group = QActionGroup(self)
        self.theme_actions = {}
        for name, text in theme.THEMES.items():
            action = themes.addAction(text)
            action.setCheckable(True)
            action.setChecked(name == settings.read(settings.THEME))
            action.triggered.connect(lambda _=False, name=name: self.set_theme(name))
            group.addAction(action)
            self.theme_actions[name] = action
        view.addSeparator()
        self._action(view, "&Live tab", lambda: self.tabs.setCurrentIndex(0), "Ctrl+1")
        self._action(view, "&Training tab", lambda: self.tabs.setCurrentIndex(1), "Ctrl+2")
        self._action(view, "M&y signs tab", lambda: self.tabs.setCurrentIndex(2), "Ctrl+3")
        self._action(view, "Practi&ce tab", lambda: self.tabs.setCurrentWidget(self.practice), "Ctrl+4")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "The &signs", self.show_signs, "F1")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "Ctrl+/")
        self._action(help_menu, "&About ASL Desktop", self.about)

    def _build_text_menu(self, menu) -> None:
        live, panel = self.controller, self.live.panel

        def toggle(key: settings.Key, apply=None):
            def slot(on: bool) -> None:
                settings.write(key, on)
                if apply:
                    apply(on)
            return slot

        self._action(menu, "&Autocorrect finished words", toggle(settings.AUTOCORRECT,
                     lambda on: live.set_words(autocorrect=on)), None, True, settings.read(settings.AUTOCORRECT))
        self._action(menu, "The s&pace sign takes the top suggestion", toggle(settings.SPACE_ACCEPTS,
                     lambda on: live.set_words(space_accepts=on)), None, True,
                     settings.read(settings.SPACE_ACCEPTS))
        self._action(menu, "&Guess an unclear letter held still", toggle(settings.GUESS, live.set_guessing),
                     None, True, settings.read(settings.GUESS))
        self._action(menu, "&Hold each letter to commit it (a learner's pace)",
                     toggle(settings.HOLD_TO_COMMIT, live.set_hold_to_commit), None, True,
                     settings.read(settings.HOLD_TO_COMMIT))
        self._action(menu, "Add the word to &my words", live.add_word, "Ctrl+D")
        menu.addSeparator()
        speak = self._action(menu, "&Speak the text", lambda: panel.speak(), "Ctrl+Shift+S")
        speak.setEnabled(panel.speaker.available)
        for text, key in (("Speak each finished &word", settings.SPEAK_WORDS),
                          ("Speak each sent&ence (New sentence)", settings.SPEAK_SENTENCES)):
            action = self._action(menu, text, toggle(key), None, True, settings.read(key))
            action.setEnabled(panel.speaker.available)
        voice = self._action(menu, "&Voice and rate...", self.voice_settings)
        voice.setEnabled(panel.speaker.available)
        menu.addSeparator()
        self._action(menu, "Save &text...", self._save_text, QKeySequence.StandardKey.Save)
        larger = self._action(menu, "&Larger text", lambda: self._text_size(+2), QKeySequence.StandardKey.ZoomIn)
        larger.setShortcuts([QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")])  # + unshifted
        self._action(menu, "Smalle&r text", lambda: self._text_size(-2), QKeySequence.StandardKey.ZoomOut)

    def _show_models(self, hands: bool | None = None) -> None:
        """The status bar names both models: most letters come from the letter network."""
        self._hands_on = self._hands_on if hands is None else hands
        if not self._picture_name:
            return
        letters = shipped.landmark_model_for(self.model_path)
        own = "the shipped one" if letters == shipped.shipped_landmark_model() else letters.parent.name
        self.model_label.setText(f"Letters from the hand's shape: {own} · pictures: {self._picture_name}"
                                 if self._hands_on else f"Model: {self._picture_name} (pictures only)")

    def _save_text(self) -> None:
        path = self.live.panel.save()
        if path is not None:
            self.statusBar().showMessage(f"Saved the text to {path}", 8000)

    def _text_size(self, step: int) -> None:
        size = max(10, min(60, settings.read(settings.TEXT_SIZE) + step))
        settings.write(settings.TEXT_SIZE, size)
        self.live.panel.set_font_size(size)

    def voice_settings(self) -> None:
        from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout
        from superqt import QLabeledDoubleSlider

        from .layout import one_tab_stop
        speaker = self.live.panel.speaker
        dialog = QDialog(self)
        dialog.setWindowTitle("Voice and rate")
        form = QFormLayout(dialog)
        voices = QComboBox()
        voices.addItems(speaker.voices())
        voices.setCurrentText(settings.read(settings.VOICE))
        rate = QLabeledDoubleSlider(Qt.Orientation.Horizontal)
        rate.setRange(-1.0, 1.0)
        rate.setValue(settings.read(settings.RATE))
        rate.setAccessibleName("Speaking rate, slow to fast")
        one_tab_stop(rate)
        form.addRow("Voice", voices)
        form.addRow("Rate (slow to fast)", rate)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec():
            settings.write(settings.VOICE, voices.currentText())
            settings.write(settings.RATE, rate.value())
            speaker.set_voice(voices.currentText())
            speaker.set_rate(rate.value())

    # actions ---------------------------------------------------------------------
    @staticmethod
    def _remembered_dir(key: settings.Key) -> str:
        return settings.read(key) or str(Path.home())

    def open_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open video file", self._remembered_dir(settings.DIR_VIDEO),
                                              "Videos (*.mp4 *.avi *.mov *.mkv *.webm *.m4v);;All files (*)")
        if path:
            settings.write(settings.DIR_VIDEO, str(Path(path).parent))
            self.open_source(path)

    def open_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open image folder", self._remembered_dir(settings.DIR_IMAGES))
        if path:
            settings.write(settings.DIR_IMAGES, path)
            self.open_source(path)

    def open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model", self._remembered_dir(settings.DIR_MODEL),
                                              "Models (*.pt *.pth *.onnx);;All files (*)")
        if path:
            settings.write(settings.DIR_MODEL, str(Path(path).parent))
            self.load_model(path)

    @Slot(str)
    def load_model(self, path: str) -> None:
        self.controller.load_model(path)

    @Slot(str, str)
    def _on_model_changed(self, path: str, arch: str) -> None:
        self.model_path, self.model_ready = path, True
        # runs all save "model.pt": name them by their run folder (date and architecture)
        name = f"{Path(path).parent.name if Path(path).name == 'model.pt' else Path(path).name} ({arch})"
        settings.write(settings.MODEL, self.model_path)
        if self.training is not None:
            self.training.set_current_model(self.model_path, arch)
        self._picture_name = name
        self._show_models()
        self.statusBar().showMessage(f"Model loaded: {name}", 4000)
        self._open_waiting_source()

    @Slot(str, str)
    def _on_model_error(self, path: str, message: str) -> None:
        default = str(shipped.default_model())
        if self.model_ready:
            outcome = "The current model stays in use."
        elif path != default:
            outcome = "The shipped model is used instead."
            self.load_model(default)
        else:
            outcome = "No model is loaded: choose one with File > Open model..."
            self._open_waiting_source()
        QMessageBox.warning(self, "Cannot open model", f"{message}\n\n{outcome}")

    def about(self) -> None:
        QMessageBox.about(self, "About ASL Desktop",
                          f"<h3>ASL Desktop {__version__}</h3>"
                          "<p>Reads American Sign Language fingerspelling from a webcam and turns it into text.</p>"
                          "<p>Sign a letter and move on to the next: each letter commits as your hand settles "
                          "on it (Text > Hold each letter to commit it, for a learner's pace); <i>space</i>, "
                          "<i>del</i> and <i>nothing</i> are signs too.</p>"
                          "<p>Models trained on the ASL Alphabet photos (Apache License 2.0) and the hand points "
                          "of two public sets of other signers (Apache License 2.0, MIT); the hand found by "
                          "MediaPipe's models (Apache License 2.0). Notices beside each model file.</p>")

    def shortcuts(self) -> list[tuple[str, str, str]]:
        """(menu, action, keys) for every menu entry that has keys, in menu order."""
        found = []
        for menu in (a.menu() for a in self.menuBar().actions()):
            for action in menu.actions():
                keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
                if keys:
                    found.append((menu.title().replace("&", ""), action.text().replace("&", ""), keys))
        return found

    def show_shortcuts(self) -> None:
        """Every shortcut of the menus, made from the menus themselves (so it cannot go stale),
        and the keys that work without one."""
        rows = "".join(f"<tr><td>{menu}</td><td>{html.escape(text)}</td><td><b>{keys}</b></td></tr>"
                       for menu, text, keys in self.shortcuts())
        rows += ("<tr><td>Live</td><td>Accept suggestion 1-5</td><td><b>1-5</b></td></tr>"
                 "<tr><td>My signs</td><td>Record the selected sign / delete the selected samples</td>"
                 "<td><b>Ctrl+Return / Delete</b></td></tr>"
                 "<tr><td>Practice</td><td>Level / next word / skip letter / watch a word</td>"
                 "<td><b>Alt+L / Alt+N / Alt+K / Alt+W</b></td></tr>"
                 "<tr><td>A drawn hand (focused)</td><td>Turn it / turn it back</td><td><b>Arrow keys / Home</b></td></tr>"
                 "<tr><td>Anywhere</td><td>Move between controls / press the focused button</td>"
                 "<td><b>Tab, Shift+Tab / Space, Return</b></td></tr>")
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", f"<table cellspacing='4'>{rows}</table>",
                          parent=self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.exec()

    def set_theme(self, name: str) -> None:
        """System, light or dark colours, now and at the next start."""
        settings.write(settings.THEME, name)
        theme.apply(name)
        # a chart takes the window's new colour when told again, once the palette has reached it
        QTimer.singleShot(0, lambda: [chart.setBackground(None) for chart in self.findChildren(pg.PlotWidget)])
        self.theme_actions[name].setChecked(True)

    def show_signs(self) -> None:
        """Every sign: its typical hand drawn, and how it is made."""
        from .signs_dialog import SignsDialog
        SignsDialog(self).exec()

    def closeEvent(self, event) -> None:
        if self.controller.closed:  # a second close (Qt sends one per close() of a window never shown)
            event.accept()
            return
        if self.training is not None and not self.training.confirm_close():
            event.ignore()
            return
        settings.write(settings.GEOMETRY, self.saveGeometry())
        if self.training is not None:
            self.training.shutdown()
        if self.my_signs is not None:
            self.my_signs.shutdown()
        self.controller.shutdown()
        event.accept()
