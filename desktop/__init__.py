"""Drafting tool for local implementation plans of the 2020 Good Netizen Project.

Everything outside ``desktop.ui`` is free of Qt so that the command line, the
exporters and the tests run without a display.
"""

__version__ = "0.1.0"
APP_NAME = "好网民工程实施方案起草助手"
APP_ID = "plan-drafter"
