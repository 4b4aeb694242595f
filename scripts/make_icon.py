"""Draw the application icon (an official document: red header, red rule,
grey lines of text) and write resources/icon.png and resources/icon.ico; and
the work report's icon (the same page with a blue bar chart, resources/report.png),
which the start page and recent files show beside reports.

Run once after changing the design; the outputs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
RED = (200, 16, 24, 255)


def draw(size: int = 256) -> Image.Image:
    s = size / 256
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([36 * s, 12 * s, 220 * s, 244 * s], radius=14 * s, fill=(255, 255, 255, 255),
                        outline=(120, 120, 120, 255), width=max(1, round(4 * s)))
    d.rectangle([70 * s, 40 * s, 186 * s, 70 * s], fill=RED)  # organ mark
    d.rectangle([56 * s, 90 * s, 200 * s, 96 * s], fill=RED)  # red separator
    for i, (x0, x1) in enumerate([(80, 176), (56, 200), (56, 200), (56, 200), (56, 150)]):
        y = (120 + i * 22) * s
        d.rectangle([x0 * s, y, x1 * s, y + 8 * s], fill=(90, 90, 90, 255))
    return img


BLUE = (30, 90, 170, 255)


def draw_report(size: int = 256) -> Image.Image:
    """The page of ``draw`` whose lower lines give way to a bar chart: a report on progress."""
    s = size / 256
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([36 * s, 12 * s, 220 * s, 244 * s], radius=14 * s, fill=(255, 255, 255, 255),
                        outline=(120, 120, 120, 255), width=max(1, round(4 * s)))
    d.rectangle([70 * s, 40 * s, 186 * s, 70 * s], fill=RED)
    d.rectangle([56 * s, 90 * s, 200 * s, 96 * s], fill=RED)
    d.rectangle([56 * s, 116 * s, 200 * s, 124 * s], fill=(90, 90, 90, 255))
    for i, height in enumerate((40, 70, 55, 90)):
        x = (66 + i * 34) * s
        d.rectangle([x, (226 - height) * s, x + 22 * s, 226 * s], fill=BLUE)
    return img


def main() -> None:
    draw_report(256).save(ROOT / "resources" / "report.png")
    big = draw(256)
    (ROOT / "resources").mkdir(exist_ok=True)
    big.save(ROOT / "resources" / "icon.png")
    big.save(ROOT / "resources" / "icon.ico",
             sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])


if __name__ == "__main__":
    main()
