"""Stand-in for the ``cryptography`` package in the frozen build only.

pdfminer (read by ``template import`` for PDFs) imports cryptography's AES at
start but uses it only to decrypt encrypted PDFs, which we refuse before
pdfminer sees them (desktop.superior). The real package is 12 MB of Rust
binaries; this stand-in keeps the bundle small. build.spec puts this folder
first on the analysis path; nothing else ever imports it.
"""


class Unavailable(RuntimeError):
    """Raised if anything ever tries to decrypt: the frozen build cannot."""


def unavailable(*_args: object, **_kwargs: object) -> None:
    raise Unavailable("此程序不读取加密的 PDF。")
