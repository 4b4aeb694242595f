from cryptography import unavailable as default_backend  # noqa: F401 - the name pdfminer imports
