"""Shipped files that are not code (icons, example draft), installed as the
``desktop_resources`` package so the app finds them with importlib.resources,
from a checkout, a wheel or the frozen bundle alike."""
