"""The README's screenshots, from a running `make run` (demo accounts, DEBUG on).

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

Writes docs/screenshots/*.png with Debian's Chromium. The board report PDF's pages are drawn
with pdftoppm (Debian's poppler-utils) when installed, else with pypdfium2 when importable;
with neither, they are skipped and the script says so. It saves one progress update on A1.
"""

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "demo-password-2026"  # governance.auth.DEMO_PASSWORD, development only
REPORT = "/report/?as_of_0=1&as_of_1=4&as_of_2=2019"


def sign_in(browser, username, width, height=900):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return context, page


def pdf_pages(pdf: bytes) -> list[Path]:
    if shutil.which("pdftoppm"):
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "report.pdf"
            source.write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", source, OUT / "report-pdf-page"], check=True
            )
        return sorted(OUT.glob("report-pdf-page-*.png"))
    try:
        import pypdfium2
    except ImportError:
        print("No pdftoppm and no pypdfium2: the PDF's pages were not drawn.")
        return []
    pages = []
    for number, page in enumerate(pypdfium2.PdfDocument(io.BytesIO(pdf)), start=1):
        path = OUT / f"report-pdf-page-{number}.png"
        page.render(scale=80 / 72).to_pil().save(path)
        pages.append(path)
    return pages


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu"],
        )
        context, page = sign_in(browser, "officer-wcc-ph", 1100, 1400)
        page.goto(f"{BASE}/my-actions/")
        page.screenshot(path=OUT / "my-actions.png")
        page.get_by_role("link", name="Update A1 of 2018-19").click()
        form = page.locator("form[hx-post]")
        form.get_by_role("radio", name="On track").check()
        form.get_by_label("Progress note").fill("Places commissioned; first referrals in May.")
        page.locator("tbody:has(form[hx-post])").screenshot(path=OUT / "inline-form.png")
        form.get_by_role("button", name="Save update").click()
        page.get_by_role("status").filter(has_text="Update saved").wait_for()
        page.locator("tbody:has([role=status])").screenshot(path=OUT / "inline-result.png")
        context.close()

        context, page = sign_in(browser, "officer-wcc-ph", 390, 844)
        page.goto(f"{BASE}/my-actions/")
        page.screenshot(path=OUT / "my-actions-390.png", full_page=True)
        context.close()

        context, page = sign_in(browser, "chair", 390, 844)
        page.goto(f"{BASE}/dashboard/?as_of_0=1&as_of_1=4&as_of_2=2019")
        page.screenshot(path=OUT / "dashboard-390.png", full_page=True)
        page.goto(f"{BASE}{REPORT}")
        pdf_url = page.get_by_role("link", name="Download as PDF").get_attribute("href")
        pdf = context.request.get(f"{BASE}{pdf_url}").body()
        context.close()
        browser.close()
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(OUT.parent.parent))
    for path in pdf_pages(pdf):
        print(path.relative_to(OUT.parent.parent))


if __name__ == "__main__":
    main()
