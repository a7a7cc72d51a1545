"""Check that WeasyPrint finds the system libraries it needs to render PDFs.

Run by `make run` and `make test` before anything else. Prints what is missing
and the apt-get command that installs it, then exits 1 (PDFs are part of the
product). Without HarfBuzz's subsetter WeasyPrint still works, about twice as
slowly: that is a warning, and a failure only under CI=true.

Exit status: 0 all present, 1 something required is missing.
"""

import os
import sys
import warnings

PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
APT = f"sudo apt-get install -y {PACKAGES}"


def _box(title: str, lines: list[str]) -> str:
    rule = "=" * 72
    return "\n".join([rule, title, "", *lines, rule])


def check() -> tuple[int, str]:
    """Return (exit status, message); the message is empty when all is well."""
    strict = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    try:
        with warnings.catch_warnings():
            # WeasyPrint warns at import when libharfbuzz-subset is absent; we say it better.
            warnings.simplefilter("ignore")
            from weasyprint.text import ffi
    except ImportError as exc:
        return 1, _box(
            "WeasyPrint is not installed in this Python environment.",
            [f"  {exc}", "", f"  {sys.executable} -m pip install -r requirements.txt"],
        )
    except OSError as exc:
        # cffi's dlopen failure: "cannot load library 'libpango-1.0-0': …"
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return 1, _box(
            "PDF rendering (WeasyPrint) cannot find Pango, a system library.",
            [
                f"  {first_line}",
                "",
                "Install the Debian/Ubuntu packages it needs, then run this again:",
                "",
                f"  {APT}",
            ],
        )
    if getattr(ffi, "harfbuzz_subset", None) is None:
        message = _box(
            ("Error" if strict else "Warning")
            + ": libharfbuzz-subset is missing; PDFs render about twice as slowly.",
            ["Install it with:", "", f"  {APT}"],
        )
        return (1 if strict else 0), message
    return 0, ""


def main() -> int:
    status, message = check()
    if message:
        print(message, file=sys.stderr)
    elif "-q" not in sys.argv[1:]:
        print("WeasyPrint system libraries: OK")
    return status


if __name__ == "__main__":
    sys.exit(main())
