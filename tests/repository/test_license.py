"""The repository carries the MIT licence, worded so GitHub and HACS recognise it.

HACS's validation fails "The repository has no license" when GitHub detects none, and GitHub
detects a licence only when its text is the standard one.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MIT_TERMS = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def test_license_is_the_standard_mit_text() -> None:
    license_file = REPO_ROOT / "LICENSE"
    assert license_file.is_file(), "no LICENSE: HACS's validation fails"
    title, blank, copyright_line, blank_again, *terms = license_file.read_text(
        encoding="utf-8"
    ).split("\n")
    assert (title, blank, blank_again) == ("MIT License", "", "")
    assert copyright_line.startswith("Copyright (c) ")
    assert "\n".join(terms) == MIT_TERMS
