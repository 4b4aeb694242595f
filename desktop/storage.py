"""Reading and writing files without ever damaging what is on disk.

Every write goes to a temporary file in the target folder, is flushed and
fsynced, and then replaces the target in one step, so a crash or a full disk
leaves either the old file or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from desktop import __version__
from desktop.errors import DesktopError, DraftError
from desktop.filenames import MAX_NAME_BYTES, cut_to_bytes
from desktop.model import Draft, SchemaError, new_draft_id
from desktop.processes import hostname, pid_alive

MAX_DRAFT_BYTES = 16 * 1024 * 1024
BACKUP_SUFFIX = ".bak"
# A draft is six levels deep; far deeper unknown data is refused on load,
# because the copy and the JSON writer recurse and every loaded draft must save.
MAX_DEPTH = 100
MAX_INT_DIGITS = 1000


class DraftChangedOnDisk(DraftError):
    """The file changed since it was read: saving would lose someone's work."""


def regular_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a document (a folder, a pipe, a device), or None.

    Checked before opening: opening a FIFO blocks forever and /dev/zero never ends.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None  # the caller reports a missing file in its own words
    except OSError as err:
        return f"无法读取：{os_reason(err)}"
    if stat.S_ISDIR(mode):
        return "这是一个文件夹，不是文件"
    if not stat.S_ISREG(mode):
        return "这不是普通文件（可能是设备或管道），未读取"
    return None


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None when there is no readable regular file."""
    try:
        if regular_file_problem(path) is not None:
            return None
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def real_target(path: Path) -> Path:
    """Where a write to ``path`` should land: through a symlink, to its target."""
    path = Path(path)
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


_REASONS = {
    errno.ENOSPC: "磁盘空间不足", errno.EROFS: "该位置是只读的", errno.EACCES: "没有权限",
    errno.EPERM: "没有权限", errno.ENOENT: "文件或文件夹不存在", errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中的某一级不是文件夹", errno.EEXIST: "已存在同名的文件",
    errno.ENAMETOOLONG: "文件名或路径太长，超过了系统允许的长度，请使用较短的名称或文件夹",
    errno.EBUSY: "文件正被其他程序使用", errno.EMFILE: "同时打开的文件太多",
    errno.EIO: "读写磁盘时出错（磁盘或网络盘可能有故障）",
    errno.EINVAL: "文件名中有系统不允许的字符（如 \\ / : * ? \" < > |）",
    errno.ELOOP: "路径中的快捷方式（链接）循环指向自身",
    errno.EXDEV: "不能跨磁盘移动文件",
}


def os_reason(err: OSError) -> str:
    """Why an OS call failed, in plain Chinese (never the system's English text)."""
    if getattr(err, "winerror", None) == 206:  # Windows: ERROR_FILENAME_EXCED_RANGE
        return _REASONS[errno.ENAMETOOLONG]
    if getattr(err, "winerror", None) in (32, 33):  # sharing / lock violation
        return "文件正被其他程序使用（如 Word、WPS 或 Excel）"
    reason = _REASONS.get(err.errno or -1)
    if reason:
        return reason
    return f"系统报告错误（代码 {err.errno}）" if err.errno else "系统报告错误"


def os_error_message(err: OSError, path: Path, action: str) -> str:
    """A plain Chinese sentence for an OS error while ``action`` on ``path``."""
    name = f"“{path}”"
    code = err.errno
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", -1):
        return f"{action}{name}失败：磁盘空间不足。请清理磁盘或换一个文件夹后重试，原文件未受影响。"
    if code == errno.EROFS:
        return f"{action}{name}失败：该位置是只读的（如光盘或写保护的U盘）。请另选文件夹，原文件未受影响。"
    if isinstance(err, PermissionError) or code in (errno.EACCES, errno.EPERM):
        if sys.platform == "win32":
            return (f"{action}{name}失败：文件被其他程序占用或没有写入权限。"
                    "请先关闭已在 Word、WPS 或 Excel 中打开的文件，再重试，原文件未受影响。")
        return f"{action}{name}失败：没有写入权限（文件夹只读或文件被锁定）。请另选文件夹，原文件未受影响。"
    if isinstance(err, FileNotFoundError):
        return f"{action}{name}失败：文件夹不存在。"
    if isinstance(err, IsADirectoryError):
        return f"{action}{name}失败：这是一个文件夹，不是文件。"
    return f"{action}{name}失败：{os_reason(err)}。原文件未受影响。"


@contextlib.contextmanager
def atomic_target(path: Path, *, error_cls: type[DesktopError] = DesktopError,
                  action: str = "保存", backup: bool = False,
                  before_replace: Callable[[], None] | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    The writer writes the whole file to the yielded path. If it raises, the
    temporary file is removed and ``path`` is untouched. With ``backup`` the
    previous version is kept as ``path + .bak`` (itself replaced atomically).
    A symlink is followed (the link stays a link) and an existing file keeps
    its permissions. ``before_replace`` runs last and may raise to abandon.
    """
    path = real_target(Path(path))
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = _temporary_beside(path)
    except OSError as err:
        raise error_cls(os_error_message(err, path, action)) from err
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync_file(tmp)
        _set_mode_like(tmp, path)
        if before_replace is not None:
            before_replace()
        if backup and path.exists():
            _write_backup(path)
        os.replace(tmp, path)
        _fsync_dir(folder)
    except OSError as err:
        _remove_quietly(tmp)
        raise error_cls(os_error_message(err, path, action)) from err
    except BaseException:
        _remove_quietly(tmp)
        raise


# A temporary file is named after its target, this computer and this process
# (".方案.pdf.3f9a1c-4242.k2j4h5g6.tmp"), so that a later write of the same name
# can remove what a killed one left behind without touching a live writer's.
_HOST_TAG = hashlib.sha1(hostname().encode("utf-8", "replace")).hexdigest()[:6]
_TEMP_TAIL = re.compile(r"(?:(?P<host>[0-9a-f]{6})-(?P<pid>\d{1,10})\.)?[a-z0-9_]{8}\.tmp")
LEFTOVER_AGE_S = 600  # a temporary file of another computer untouched this long is abandoned


def _temporary_beside(path: Path) -> tuple[int, str]:
    """mkstemp in ``path``'s folder, after removing leftovers of killed writes of ``path``."""
    # The temporary name starts like the file's, cut so that it fits where the file's name fits.
    stem = path.name
    while len(stem.encode("utf-8")) > 200:
        stem = stem[:-1]
    folder = path.parent if str(path.parent) else Path(".")
    _remove_leftovers(folder, f".{stem}.")
    return tempfile.mkstemp(prefix=f".{stem}.{_HOST_TAG}-{os.getpid()}.", suffix=".tmp", dir=folder)


def _remove_leftovers(folder: Path, prefix: str) -> None:
    """Remove temporary files named ``prefix…`` that no writer will finish: made by a
    process of this computer that has ended, or (any other) untouched for ten minutes."""
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.startswith(prefix):
                continue
            m = _TEMP_TAIL.fullmatch(entry.name[len(prefix):])
            if m is None or not entry.is_file(follow_symlinks=False):
                continue
            ours = m.group("host") == _HOST_TAG
            if (ours and not pid_alive(int(m.group("pid")))) or \
                    (not ours and now - entry.stat(follow_symlinks=False).st_mtime > LEFTOVER_AGE_S):
                _remove_quietly(Path(entry.path))


def atomic_write_bytes(path: Path, data: bytes, **kwargs: Any) -> None:
    with atomic_target(path, **kwargs) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)


def write_with(path: Path, writer: Callable[[Path], None], **kwargs: Any) -> None:
    """Run ``writer(tmp_path)`` and give the result its final name atomically."""
    with atomic_target(path, **kwargs) as tmp:
        writer(tmp)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _set_normal_mode(path: Path) -> None:
    # mkstemp creates 0600 files; a saved document should be readable like any other.
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(path, 0o666 & ~umask)


def _set_mode_like(tmp: Path, target: Path) -> None:
    """The permissions ``target`` has (a private 0600 draft stays private), or
    the usual ones for a new file."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        _set_normal_mode(tmp)
        return
    if os.name == "posix":
        os.chmod(tmp, mode)


def backup_path(path: Path) -> Path:
    """``方案.plan.json.bak``: the file's name and .bak, the name cut where both would not fit."""
    return path.with_name(cut_to_bytes(path.name, MAX_NAME_BYTES - len(BACKUP_SUFFIX)) + BACKUP_SUFFIX)


def _write_backup(path: Path) -> None:
    backup = backup_path(path)
    fd, tmp_name = _temporary_beside(backup)
    # A second name for the file as it is (its new version replaces only the first name):
    # instant, where copying a large draft and syncing it held up every save.
    os.close(fd)
    try:
        os.unlink(tmp_name)
        os.link(path, tmp_name)
        os.replace(tmp_name, backup)
        return
    except OSError:  # no hard links there (a FAT stick, some network shares): copy
        _remove_quietly(Path(tmp_name))
    data = path.read_bytes()
    fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _set_mode_like(Path(tmp_name), path)
        os.replace(tmp_name, backup)
    except BaseException:
        _remove_quietly(Path(tmp_name))
        raise


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


# --- drafts ----------------------------------------------------------------------


class _BadNumber(ValueError):
    """A number in the file that Python could read but no draft can hold."""


def _reject_constant(name: str) -> None:
    raise _BadNumber(name)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as infinity and would save as "Infinity"
        raise _BadNumber(text)
    return value


def _parse_int(text: str) -> int:
    if len(text) > MAX_INT_DIGITS:
        raise _BadNumber(text)
    return int(text)


def _too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether nested lists/objects go deeper than ``limit`` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))
    return False


def _shown_number(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}…（共 {len(text)} 位）"


def parse_draft_bytes(data: bytes, source: str) -> Draft:
    """Parse the bytes of a plan's draft file; ``source`` names it in messages."""
    return _plan_only(parse_record_bytes(data, source), source)


def parse_record_bytes(data: bytes, source: str) -> Any:
    """Parse the bytes of a draft file of any kind; ``source`` names it in messages."""
    where = f"草稿文件“{source}”"
    if not data.strip():
        raise DraftError(f"{where}是空的，没有任何内容。它可能在保存时中断，请改用同目录下的备份文件（.bak）。")
    # Notepad's "Unicode" (UTF-16, with its byte-order mark) is still text: read it.
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                data = data.decode(codec).encode("utf-8")
            except UnicodeDecodeError as err:
                raise DraftError(f"{where}的文字编码已损坏（第 {err.start + 1} 个字节附近），"
                                 "无法作为草稿打开。") from err
            break
    if data.startswith(b"\x89PNG") or data.startswith(b"PK\x03\x04") or data.startswith(b"%PDF") \
            or b"\x00" in data[:4096]:
        raise DraftError(f"{where}不是草稿文件：它是二进制文件（例如图片、压缩包或 Word 文档），"
                         "请选择扩展名为 .plan.json 的草稿。")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data":
            # Cut inside a character: a truncated file, which the JSON parser reports as such.
            text = data[: err.start].decode("utf-8-sig", errors="replace")
        else:
            raise DraftError(f"{where}不是 UTF-8 编码的文本（第 {err.start + 1} 个字节无法识别），"
                             "无法作为草稿打开。") from err
    try:
        raw = json.loads(text, parse_constant=_reject_constant, parse_float=_parse_float, parse_int=_parse_int)
    except json.JSONDecodeError as err:
        raise DraftError(
            f"{where}内容已损坏，无法读取（第 {err.lineno} 行第 {err.colno} 列附近格式错误）。"
            "文件可能没有保存完整；如有同名 .bak 备份文件，可改用备份。") from err
    except _BadNumber as err:
        raise DraftError(f"{where}包含无效的数值“{_shown_number(str(err))}”（过大、过长或不是数字），"
                         "无法作为草稿读取。文件未作任何改动。") from err
    except ValueError as err:  # any other number Python refuses
        raise DraftError(f"{where}包含无法识别的数值，无法作为草稿读取。文件未作任何改动。") from err
    except RecursionError as err:
        raise DraftError(f"{where}的层级嵌套过深，不是有效的草稿。") from err
    if _too_deep(raw):
        raise DraftError(f"{where}的层级嵌套过深（超过 {MAX_DEPTH} 层），不是有效的草稿。文件未作任何改动。")
    return record_from_json(raw, source)


def record_from_json(raw: object, source: str) -> Any:
    """A draft of any kind (desktop.kinds) from parsed JSON; DraftError names what is wrong."""
    from desktop.kinds import kind_of_json

    where = f"草稿文件“{source}”"
    if not isinstance(raw, dict):
        what = "一个列表" if isinstance(raw, list) else "单个值"
        raise DraftError(f"{where}不是本软件的草稿：文件中是{what}，不是草稿的格式。"
                         "请选择本软件保存的 .plan.json 或 .report.json 文件。")
    if {"user", "host", "pid"} <= set(raw) and "notice" not in raw:
        who = raw.get("user") if isinstance(raw.get("user"), str) else ""
        held = f"（它表示该草稿正被{who}打开）" if who else ""
        raise DraftError(f"{where}是一份草稿的锁定文件{held}，不是草稿本身。"
                         "请打开同一文件夹中不带“~$”的同名文件。")
    kind = kind_of_json(raw)
    if kind is None:
        raise DraftError(f"{where}不是本软件的草稿（文件中没有实施方案或工作情况报告草稿的标记）。"
                         "请选择本软件保存的 .plan.json 或 .report.json 文件。")
    version = raw.get("version", kind.file_version)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DraftError(f"{where}的版本号“version”无效（应为正整数），无法读取。")
    if version > kind.file_version:
        writer = raw.get("generator")
        by = f"（由 {writer} 保存）" if isinstance(writer, str) and writer else ""
        raise DraftError(
            f"{where}是较新版本的草稿格式（第 {version} 版）{by}，本软件只能读取第 {kind.file_version} 版。"
            "请将本软件升级到最新版本后再打开；文件未作任何改动。")
    try:
        record = kind.record.from_dict(raw)
    except SchemaError as err:
        from desktop.locations import FIELD_LABELS

        key = str(err.path).rsplit(".", 1)[-1].split("[")[0]
        label = {"notice": "通知要素", "plan": "实施方案", "activities": "重点活动", "progress": "进度台账"}.get(
            key, FIELD_LABELS.get(key, ""))
        named = f"“{err.path}”（{label}）" if label else f"“{err.path}”"
        raise DraftError(f"{where}中的{named}应为{err.expected}，实际是{err.got}，"
                         "无法作为草稿读取。文件未作任何改动。") from err
    except RecursionError as err:
        raise DraftError(f"{where}的层级嵌套过深，不是有效的草稿。") from err
    record.version = kind.file_version
    return record


def draft_from_json(raw: object, source: str) -> Draft:
    """A plan's draft from parsed JSON: another kind is refused, saying what it is."""
    return _plan_only(record_from_json(raw, source), source)


def _plan_only(record: Any, source: str) -> Draft:
    if not isinstance(record, Draft):
        from desktop.kinds import kind_of

        raise DraftError(f"“{source}”是{kind_of(record).label}草稿，不是实施方案草稿；这里需要一份实施方案。")
    return record


def load_draft(path: str | os.PathLike[str]) -> Draft:
    """Read a plan's draft; raise DraftError with a Chinese message on any problem."""
    return load_draft_with_digest(path)[0]


def load_record(path: str | os.PathLike[str]) -> Any:
    """Read a draft of any kind (desktop.kinds); DraftError on any problem."""
    return load_record_with_digest(path)[0]


def load_draft_with_digest(path: str | os.PathLike[str]) -> tuple[Draft, str]:
    """The plan's draft and the SHA-256 of the bytes it was read from (for ``save_draft(expect=…)``)."""
    record, digest = load_record_with_digest(path)
    return _plan_only(record, str(path)), digest


def load_record_with_digest(path: str | os.PathLike[str]) -> tuple[Any, str]:
    """A draft of any kind and the SHA-256 of the bytes it was read from."""
    path = Path(path)
    try:
        size = path.stat().st_size
        problem = regular_file_problem(path)
        if problem:
            raise DraftError(f"“{path}”不是草稿文件：{problem}。")
        if size > MAX_DRAFT_BYTES:
            raise DraftError(
                f"草稿文件“{path}”过大（{_size_text(size)}），超过 {_size_text(MAX_DRAFT_BYTES)} 的上限，"
                "不像是本软件保存的草稿，未打开。")
        with open(path, "rb") as fh:
            data = fh.read(MAX_DRAFT_BYTES + 1)
    except FileNotFoundError as err:
        raise DraftError(f"找不到草稿文件“{path}”。请检查文件名和所在文件夹。") from err
    except PermissionError as err:
        raise DraftError(f"无法读取草稿文件“{path}”：没有读取权限或文件被其他程序锁定。") from err
    except OSError as err:
        raise DraftError(f"无法读取草稿文件“{path}”：{os_reason(err)}。") from err
    if len(data) > MAX_DRAFT_BYTES:
        raise DraftError(f"草稿文件“{path}”过大，超过 {_size_text(MAX_DRAFT_BYTES)} 的上限，未打开。")
    return parse_record_bytes(data, str(path)), hashlib.sha256(data).hexdigest()


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def draft_to_bytes(draft: Any) -> bytes:
    """The file of a draft of any kind (desktop.kinds)."""
    from desktop.kinds import kind_of

    kind = kind_of(draft)
    data = draft.to_dict()
    data["format"] = kind.file_format
    data["version"] = kind.file_version
    data["generator"] = f"plan-drafter {__version__}"
    # Lists and objects under unknown keys go in as one line each, encoded once:
    # json's indenting writer is pure Python (seconds for a colleague's tool's
    # million-element list, at every save and autosave); its compact one is not.
    opaque = {id(v): v for v in draft.extra_values() if isinstance(v, (list, dict))}
    pieces: dict[str, bytes] = {}
    if opaque:
        nonce = os.urandom(8).hex()

        def mark(value: Any) -> Any:
            if id(value) in opaque:
                token = f"@verbatim-{nonce}-{len(pieces)}@"
                pieces[json.dumps(token)] = _encoded(value)
                return token
            if isinstance(value, dict):
                return {k: mark(v) for k, v in value.items()}
            if isinstance(value, list):
                return [mark(v) for v in value]
            return value

        data = mark(data)
    text = _utf8_json(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    if not pieces:
        return text
    parts = re.split(b"(" + b"|".join(re.escape(k.encode()) for k in pieces) + b")", text)
    return b"".join(pieces.get(part.decode(), part) if i % 2 else part for i, part in enumerate(parts))


def prepare_to_save(draft: Any) -> None:
    """Encode the draft's unknown lists and objects now (when a file is opened)
    rather than at the first save or autosave, which the clerk waits for."""
    for value in draft.extra_values():
        if isinstance(value, (list, dict)):
            _encoded(value)


def _utf8_json(text: str) -> bytes:
    # Unknown keys may hold lone surrogates (read from "\ud800" escapes); UTF-8
    # cannot carry them, the same JSON escape can, and reads back identically.
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text).encode("utf-8")


_ENCODED: dict[int, tuple[Any, bytes]] = {}  # id -> (unknown value, its JSON): such values never change


def _encoded(value: Any) -> bytes:
    """The compact JSON of an unknown value, remembered for the next save."""
    kept = _ENCODED.get(id(value))
    if kept is not None and kept[0] is value:
        return kept[1]
    if len(_ENCODED) >= 64:
        _ENCODED.clear()
    # Compact separators: the file a colleague's tool wrote compactly must not grow past
    # the size a draft may have (", " made 15 MB of list 22 MB, then refused at open).
    data = _utf8_json(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    _ENCODED[id(value)] = (value, data)
    return data


def save_draft(draft: Any, path: str | os.PathLike[str], *, backup: bool = True,
               expect: str | None = None) -> str:
    """Save atomically, keeping the previous version as ``<name>.bak``.

    A draft without an identity gets one now (see ``model.new_draft_id``).
    ``expect`` is the SHA-256 the file had when the caller read it ("" when it
    did not exist): if the file holds anything else by the time the new
    version replaces it, nothing is written and DraftChangedOnDisk is raised,
    so two writers never both succeed while one loses the other's work.
    Returns the SHA-256 of what was written.
    """
    if not draft.id:
        draft.id = new_draft_id()
    data = draft_to_bytes(draft)
    path = Path(path)
    if len(data) > MAX_DRAFT_BYTES:  # a file we could not open again: keep the one on disk
        raise DraftError(
            f"草稿有 {_size_text(len(data))}，超过草稿文件 {_size_text(MAX_DRAFT_BYTES)} 的上限，保存后将无法再打开，"
            f"因此没有保存到“{path}”。请删减特别长的内容（例如粘贴进来的大段文字）后再保存。")

    def unchanged_on_disk() -> None:
        if expect is None:
            return
        now = file_digest(real_target(path))
        if now is not None and now != expect:  # a file deleted meanwhile holds nothing to lose
            raise DraftChangedOnDisk(
                f"草稿文件“{path}”在本次读取之后已被其他程序或其他人修改（例如另一个窗口保存过，或导入了台账）。"
                "为避免覆盖那些修改，本次没有保存。请另存为新文件，或重新打开后再修改。")

    atomic_write_bytes(path, data, error_cls=DraftError, action="保存草稿", backup=backup,
                       before_replace=unchanged_on_disk)
    return hashlib.sha256(data).hexdigest()
