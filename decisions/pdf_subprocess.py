"""Render one PDF in a process of its own: HTML on stdin, PDF on stdout.

`decisions.pdf` runs this (`python -m decisions.pdf_subprocess BASE_URL VARIANT`) for a record
whose HTML is large, so that a render that takes too long can be stopped: WeasyPrint cannot be
interrupted inside a thread, but a process can be killed. Nothing here imports Django.
"""

import logging
import sys


def main() -> int:
    base_url, variant = sys.argv[1], sys.argv[2]
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = sys.stdin.buffer.read().decode("utf-8")

    from weasyprint import HTML

    pdf = HTML(string=html, base_url=base_url).write_pdf(pdf_variant=variant)
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
