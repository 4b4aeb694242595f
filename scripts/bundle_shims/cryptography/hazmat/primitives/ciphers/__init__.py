"""The names pdfminer imports; any use raises (see cryptography/__init__.py)."""

from types import SimpleNamespace

from cryptography import unavailable

Cipher = unavailable
algorithms = SimpleNamespace(AES=unavailable, ARC4=unavailable)
modes = SimpleNamespace(CBC=unavailable, ECB=unavailable)
