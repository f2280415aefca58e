"""Builds the dualpipe package: a CPython extension over the repository's libdualpipe.

libdualpipe.a (built by `make` at the repository root, position-independent)
is linked statically into the extension, so the installed package does not
depend on where the repository was or on LD_LIBRARY_PATH; libseccomp and libcap
stay shared system libraries.  DUALPIPE_BUILD names another build directory.
"""
import os
import sys

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("DUALPIPE_BUILD", os.path.join(ROOT, "build"))
LIB = os.path.join(BUILD, "libdualpipe.a")

if not os.path.exists(LIB) and not {"sdist", "egg_info", "clean"} & set(sys.argv):
    sys.exit(f"dualpipe: {LIB} not found: run `make` at the repository root first")

setup(
    name="dualpipe",
    version="0.1.0",
    description="Run untrusted code in a sandbox and talk to it over pipes (libdualpipe)",
    packages=["dualpipe"],
    package_data={"dualpipe": ["py.typed", "*.pyi"]},
    python_requires=">=3.9",
    ext_modules=[
        Extension(
            "dualpipe._dualpipe",
            sources=["src/module.c", "src/supervisor.c", "src/pool.c", "src/report.c"],
            include_dirs=[os.path.join(ROOT, "include")],
            extra_objects=[LIB],
            libraries=["seccomp", "cap", "pthread"],
            extra_compile_args=["-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers",
                                "-Wno-cast-function-type"],
            depends=[LIB, "src/supervisor.h", "src/pool.h"],
        )
    ],
)
