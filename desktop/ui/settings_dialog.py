"""The office's defaults, set once and used by every new draft."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QSpinBox, QTabWidget, QVBoxLayout, QWidget,
)

from desktop import settings_model as S
from desktop.official import FONT_PRESETS, LINE_PITCH_RANGE_PT, SEAL_DIAMETER_RANGE_MM, Standard

from . import messages
from .common import browse_row, hint_label, ok_cancel
from .fields import ListField


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _names(values: list[str]) -> ListField:
    """The document's list editor, unbound: a dialog keeps its values until 确定."""
    field = ListField(rows=4)
    field.set_values(values)
    return field


class SettingsDialog(QDialog):
    def __init__(self, settings: S.Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("单位默认设置")
        self.setMinimumWidth(680)
        g = settings.get
        self.issuers = _names(g(S.OFFICE_ISSUERS))
        self.city = QLineEdit(g(S.OFFICE_CITY))
        self.city.setPlaceholderText("如 佛山市、南海区")
        self.printer = QLineEdit(g(S.OFFICE_PRINTER))
        self.printer.setPlaceholderText("如 中共佛山市委网络安全和信息化委员会办公室秘书科")
        self.note = QLineEdit(g(S.OFFICE_NOTE))
        self.note.setPlaceholderText("如 联系人：张敏，电话：0757-83031234")
        self.cc = _names(g(S.OFFICE_CC))
        self.seal = QCheckBox("加盖印章（不勾选则按不加盖印章的格式落款）")
        self.seal.setChecked(g(S.OFFICE_SEAL))
        self.font_preset = QComboBox()
        for preset in FONT_PRESETS.values():
            self.font_preset.addItem(preset.label, preset.id)
        self.font_preset.setCurrentIndex(max(0, self.font_preset.findData(settings.font_preset())))
        std = settings.standard()
        self.preset_name = std.name
        self.line_mode = QComboBox()
        self.line_mode.addItem("文档网格：每页 22 行（GB/T 9704）", "grid")
        self.line_mode.addItem("固定行距", "exact")
        self.line_pitch = QDoubleSpinBox()
        self.line_pitch.setRange(*LINE_PITCH_RANGE_PT)
        self.line_pitch.setDecimals(1)
        self.line_pitch.setSingleStep(0.1)
        self.line_pitch.setSuffix(" 磅")
        self.line_pitch.setValue(std.line_pitch_pt if std.exact_lines else 29.2)
        self.line_mode.setCurrentIndex(1 if std.exact_lines else 0)
        self.lines_note = QLabel()
        self.line_mode.currentIndexChanged.connect(self._on_line_changed)
        self.line_pitch.valueChanged.connect(self._on_line_changed)
        line_row = QHBoxLayout()
        line_row.addWidget(self.line_mode, 1)
        line_row.addWidget(self.line_pitch)
        line_row.addWidget(self.lines_note)
        self.seal_diameter = QDoubleSpinBox()
        self.seal_diameter.setRange(*SEAL_DIAMETER_RANGE_MM)
        self.seal_diameter.setDecimals(0)
        self.seal_diameter.setSuffix(" 毫米")
        self.seal_diameter.setValue(std.seal_diameter_mm)
        import_button = QPushButton("导入单位预设…")
        import_button.clicked.connect(self._on_import_clicked)
        export_button = QPushButton("导出单位预设…")
        export_button.clicked.connect(self._on_export_clicked)
        preset_row = QHBoxLayout()
        preset_row.addWidget(import_button)
        preset_row.addWidget(export_button)
        preset_row.addStretch(1)
        self.font_dir = QLineEdit(g(S.OFFICE_FONT_DIR))
        self.font_dir.setPlaceholderText("可不填；单位自有字体（如方正小标宋）所在文件夹")
        font_row = browse_row(self.font_dir, self._on_browse_clicked)
        self.autosave = QSpinBox()
        self.autosave.setRange(1, 60)
        self.autosave.setSuffix(" 秒")
        self.autosave.setValue(max(1, round(g(S.AUTOSAVE_MS) / 1000)))

        office = _form()
        office.addRow("发文机关", self.issuers)
        office.addRow("", hint_label("联合发文时按顺序排列，第一个为主办机关；双击修改名称。"))
        office.addRow("所在地", self.city)
        office.addRow("印发机关", self.printer)
        office.addRow("附注", self.note)
        office.addRow("抄送机关", self.cc)
        office.addRow("", hint_label("这些用于以后新建的方案；已打开的方案不受影响。"))
        look = _form()
        look.addRow("落款", self.seal)
        look.addRow("印章直径", self.seal_diameter)
        look.addRow("", hint_label("联合发文加盖印章时，按此直径留出位置，印章互不相交。"))
        look.addRow("行距", line_row)
        look.addRow("Word 字体", self.font_preset)
        look.addRow("字体文件夹", font_row)
        look.addRow("单位预设", preset_row)
        look.addRow("", hint_label("落款、印章直径、行距和字体可存为一个预设文件，发给其他科室导入，版式即相同。"
                                   "这些设置用于今后的每次导出、预览和检查。"))
        other = _form()
        other.addRow("自动保存", self.autosave)
        other.addRow("", hint_label("修改后每隔这么久把未保存的内容写入恢复文件，意外关闭后可恢复。"))
        self.tabs = QTabWidget()
        for title, form in (("单位信息", office), ("版式", look), ("编辑", other)):
            page = QWidget()
            page.setLayout(form)
            self.tabs.addTab(page, title)
        self._on_line_changed()
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def _standard(self) -> Standard:
        exact = self.line_mode.currentData() == "exact"
        return Standard(line_pitch_twips=round(self.line_pitch.value() * 20) if exact else 579, exact_lines=exact,
                        font_preset=self.font_preset.currentData(), seal_diameter_mm=self.seal_diameter.value(),
                        signature_layout="seal" if self.seal.isChecked() else "no_seal", name=self.preset_name)

    def _on_line_changed(self, *_args) -> None:
        exact = self.line_mode.currentData() == "exact"
        self.line_pitch.setEnabled(exact)
        self.lines_note.setText(f"每页 {self._standard().lines_per_page} 行")

    def _show_standard(self, std: Standard) -> None:
        self.preset_name = std.name
        self.line_mode.setCurrentIndex(1 if std.exact_lines else 0)
        if std.exact_lines:
            self.line_pitch.setValue(std.line_pitch_pt)
        self.font_preset.setCurrentIndex(max(0, self.font_preset.findData(std.font_preset)))
        self.seal_diameter.setValue(std.seal_diameter_mm)
        self.seal.setChecked(std.signature_layout == "seal")
        self._on_line_changed()

    def _on_import_clicked(self) -> None:
        from desktop.presets import PresetError, load_preset

        path = messages.open_path(self, "导入单位预设", "", "单位预设 (*.json)")
        if not path:
            return
        try:
            std = load_preset(path)
        except PresetError as err:
            messages.warning(self, str(err))
            return
        self._show_standard(std)
        name = f"“{std.name}”" if std.name else ""
        messages.info(self, f"已导入单位预设{name}，点“确定”后生效。")

    def _on_export_clicked(self) -> None:
        import json

        from desktop.errors import DesktopError
        from desktop.presets import preset_of
        from desktop.storage import atomic_write_bytes

        path = messages.save_path(self, "导出单位预设", "单位预设.json", "单位预设 (*.json)")
        if not path:
            return
        data = json.dumps(preset_of(self._standard()), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
        try:
            atomic_write_bytes(Path(path), data)
        except DesktopError as err:
            messages.warning(self, str(err))

    def _on_browse_clicked(self) -> None:
        folder = messages.folder_path(self, "选择字体文件夹", self.font_dir.text())
        if folder:
            self.font_dir.setText(folder)

    def accept(self) -> None:
        folder = self.font_dir.text().strip()
        if folder and not Path(folder).is_dir():
            messages.warning(self, f"字体文件夹“{folder}”不存在，请重新选择或留空。")
            self.font_dir.setFocus()
            return
        s = self.settings
        s.set(S.OFFICE_ISSUERS, [v for v in self.issuers.values() if v])
        s.set(S.OFFICE_CITY, self.city.text().strip())
        s.set(S.OFFICE_PRINTER, self.printer.text().strip())
        s.set(S.OFFICE_NOTE, self.note.text().strip())
        s.set(S.OFFICE_CC, [v for v in self.cc.values() if v])
        s.set_preset(self._standard())
        s.set(S.OFFICE_FONT_DIR, folder)
        s.set(S.AUTOSAVE_MS, self.autosave.value() * 1000)
        super().accept()
