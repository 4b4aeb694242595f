"""OFD export time against the PDF export of the same draft, in the same run.

Cases: the example draft and a generated plan of about 60 pages. "首次" is the
first run in the process (fonts loaded, subsets made); "重复" the fastest and
median of warm runs, once with the font-subset cache cleared each time (what a
changed draft costs) and once with it kept (an unchanged draft).
"""

from __future__ import annotations

import sys
import time

from common import EXAMPLE, best_of

from desktop.export import ExportOptions
from desktop.export import ofd
from desktop.export.pdf import render_pdf_bytes
from desktop.sample import make_draft
from desktop.storage import load_draft
from desktop.templates import load_template


def main() -> int:
    template = load_template("gd-2020-haowangmin")
    options = ExportOptions()
    cases = [("示例草稿 foshan-2020", load_draft(EXAMPLE)),
             ("生成草稿 200 任务（约 60 页）", make_draft(tasks=200, activities=40, issuers=5))]
    print(f"{'草稿':<24}{'首次 s':>8}{'OFD 新子集 ms':>16}{'OFD 缓存 ms':>14}{'PDF ms':>10}{'OFD 大小 KB':>14}")
    for name, draft in cases:
        ofd._SUBSETS.clear()
        start = time.perf_counter()
        data, _ = ofd.render_ofd_bytes(draft, template, options)
        cold = time.perf_counter() - start

        def fresh(d=draft):
            ofd._SUBSETS.clear()
            ofd.render_ofd_bytes(d, template, options)

        new_fast, new_med = best_of(fresh, 3)
        warm_fast, warm_med = best_of(lambda d=draft: ofd.render_ofd_bytes(d, template, options), 5)
        pdf_fast, pdf_med = best_of(lambda d=draft: render_pdf_bytes(d, template, options), 5)
        print(f"{name:<24}{cold:>8.2f}{new_med:>16.0f}{warm_med:>14.0f}{pdf_med:>10.0f}{len(data) / 1024:>14.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
