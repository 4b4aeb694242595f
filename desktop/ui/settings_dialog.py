"""The office's defaults, set once and used by every new draft."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFormLayout, QLineEdit, QSpinBox, QVBoxLayout, QWidget,
)

from desktop import settings_model as S
from desktop.official import FONT_PRESETS

from . import messages
from .common import browse_row, hint_label, ok_cancel
from .fields import ListField


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
        self.font_dir = QLineEdit(g(S.OFFICE_FONT_DIR))
        self.font_dir.setPlaceholderText("可不填；单位自有字体（如方正小标宋）所在文件夹")
        font_row = browse_row(self.font_dir, self._on_browse_clicked)
        self.autosave = QSpinBox()
        self.autosave.setRange(1, 60)
        self.autosave.setSuffix(" 秒")
        self.autosave.setValue(max(1, round(g(S.AUTOSAVE_MS) / 1000)))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("发文机关", self.issuers)
        form.addRow("", hint_label("联合发文时按顺序排列，第一个为主办机关；双击修改名称。"))
        form.addRow("所在地", self.city)
        form.addRow("印发机关", self.printer)
        form.addRow("附注", self.note)
        form.addRow("抄送机关", self.cc)
        form.addRow("落款", self.seal)
        form.addRow("Word 字体", self.font_preset)
        form.addRow("字体文件夹", font_row)
        form.addRow("自动保存", self.autosave)
        form.addRow("", hint_label("修改后每隔这么久把未保存的内容写入恢复文件，意外关闭后可恢复。"))
        hint = hint_label("这些设置用于以后新建的方案；已打开的方案不受影响。")
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def _on_browse_clicked(self) -> None:
        folder = messages.folder_path(self, "选择字体文件夹", self.font_dir.text())
        if folder:
            self.font_dir.setText(folder)

    def accept(self) -> None:
        from pathlib import Path

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
        s.set(S.OFFICE_SEAL, self.seal.isChecked())
        s.set(S.OFFICE_FONT_PRESET, self.font_preset.currentData())
        s.set(S.OFFICE_FONT_DIR, folder)
        s.set(S.AUTOSAVE_MS, self.autosave.value() * 1000)
        super().accept()
