"""Builds the optional C lookup of the working-day calendar (disclosure/_workdays.c).

``make install`` runs ``python setup.py build_ext --inplace``; when no C compiler is
available the build is skipped and the pure-Python calendar is used, with the same
answers (tests/disclosure/test_calendars.py compares the two).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "disclosure._workdays",
            sources=["disclosure/_workdays.c"],
            optional=True,
        )
    ]
)
