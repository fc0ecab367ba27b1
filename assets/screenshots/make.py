#!/usr/bin/env python3
"""Takes the README's screenshots: runs `ldap2ftrack demo` in tmux, captures the screen with
its colours, turns it into an HTML page and photographs that with headless Chromium.

Also photographs the HTML report of the demo plan (report.png), the page an admin forwards.

Usage: python3 assets/screenshots/make.py [path/to/ldap2ftrack] [report]
  (with `report`, only the report's screenshot is taken)
Needs tmux, chromium and a CJK font (Debian: fonts-wqy-zenhei) for the demo's East Asian names.
"""
import html
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../target/release/ldap2ftrack")
ONLY_REPORT = sys.argv[2:] == ["report"]
PALETTE = ["#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6",
           "#666666", "#d54e53", "#b9ca4a", "#e7c547", "#7aa6da", "#c397d8", "#70c0b1", "#eaeaea"]
FG, BG = "#c5c8c6", "#1d1f21"


def tmux(*args):
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(session, text):
    deadline = time.time() + 20
    while text not in tmux("capture-pane", "-p", "-t", session):
        if time.time() > deadline:
            raise SystemExit(f"waited for {text!r}")
        time.sleep(0.05)


def to_html(ansi, width):
    """The captured screen as HTML: SGR colours, bold and reverse."""
    out, state = [], {"fg": None, "bg": None, "bold": False, "reverse": False}
    for line in ansi.rstrip("\n").split("\n"):
        parts = re.split(r"\x1b\[([0-9;]*)m", line)
        row = []
        for i, part in enumerate(parts):
            if i % 2 == 1:
                codes = [int(c) for c in part.split(";") if c] or [0]
                j = 0
                while j < len(codes):
                    c = codes[j]
                    if c == 0:
                        state = {"fg": None, "bg": None, "bold": False, "reverse": False}
                    elif c == 1:
                        state["bold"] = True
                    elif c == 7:
                        state["reverse"] = True
                    elif c == 22:
                        state["bold"] = False
                    elif c == 27:
                        state["reverse"] = False
                    elif 30 <= c <= 37:
                        state["fg"] = PALETTE[c - 30]
                    elif 90 <= c <= 97:
                        state["fg"] = PALETTE[c - 90 + 8]
                    elif 40 <= c <= 47:
                        state["bg"] = PALETTE[c - 40]
                    elif 100 <= c <= 107:
                        state["bg"] = PALETTE[c - 100 + 8]
                    elif c == 39:
                        state["fg"] = None
                    elif c == 49:
                        state["bg"] = None
                    elif c in (38, 48) and j + 2 < len(codes) and codes[j + 1] == 5:
                        colour = PALETTE[codes[j + 2]] if codes[j + 2] < 16 else None
                        state["fg" if c == 38 else "bg"] = colour
                        j += 2
                    j += 1
                continue
            if not part:
                continue
            fg, bg = state["fg"] or FG, state["bg"] or BG
            if state["reverse"]:
                fg, bg = bg, fg
            weight = "bold" if state["bold"] else "normal"
            text = "".join(
                f'<span style="display:inline-block;width:2ch">{html.escape(c)}</span>'
                if unicodedata.east_asian_width(c) in "WF" else html.escape(c)
                for c in part)
            row.append(f'<span style="color:{fg};background:{bg};font-weight:{weight}">{text}</span>')
        out.append("".join(row))
    body = "\n".join(out)
    return f"""<!doctype html><meta charset="utf-8"><style>
body {{ margin:0; background:{BG}; }}
pre {{ margin:0; padding:12px; font: 15px/1.25 'DejaVu Sans Mono', monospace; color:{FG}; width:{width}ch; }}
</style><pre>{body}</pre>"""


def shoot(session, name, width, height):
    ansi = tmux("capture-pane", "-e", "-p", "-t", session)
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "screen.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(to_html(ansi, width))
        png = os.path.join(HERE, f"{name}.png")
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", f"--user-data-dir={tmp}/profile",
                        f"--window-size={width * 9 + 24},{height * 19 + 24}", f"--screenshot={png}",
                        f"file://{page}"], check=True, capture_output=True)
        print("wrote", png)


def chromium_shot(page, png, width, height, tmp):
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", f"--user-data-dir={tmp}/profile",
                    f"--window-size={width},{height}", f"--screenshot={png}",
                    f"file://{page}"], check=True, capture_output=True)


def report_shot():
    """The demo plan saved as JSON, its HTML report, and the top of that page photographed."""
    with tempfile.TemporaryDirectory() as tmp:
        run = lambda *args: subprocess.run([BINARY, *args], cwd=tmp, check=True, capture_output=True)
        run("demo", "--format", "json", "-o", "plan.json")
        run("report", "--from", "plan.json", "-o", "report.html")
        png = os.path.join(HERE, "report.png")
        chromium_shot(os.path.join(tmp, "report.html"), png, 1100, 1500, tmp)
        print("wrote", png)


if ONLY_REPORT:
    report_shot()
    sys.exit(0)


def session(width, height):
    name = f"shots-{width}x{height}"
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    tmux("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), f"{BINARY} demo; sleep 60")
    wait_for(name, "1+Create")
    time.sleep(0.3)  # let the first full frame land before capturing
    return name


main = session(80, 24)
tmux("send-keys", "-t", main, "y", "y", "j", "n", "j")
wait_for(main, "approved 2")
shoot(main, "main", 80, 24)
tmux("send-keys", "-t", main, "3", "Enter")
wait_for(main, "use another ftrack username")
shoot(main, "conflict", 80, 24)
tmux("kill-session", "-t", main)
wide = session(120, 32)
tmux("send-keys", "-t", wide, "2", "j", "j", "j", "j")
wait_for(wide, "~ update")
shoot(wide, "diff", 120, 32)
tmux("kill-session", "-t", wide)
board = session(200, 50)
tmux("send-keys", "-t", board, "y", "Right", "j")
wait_for(board, "^Reactivate 2 ─")
wait_for(board, "approved 1")
shoot(board, "board", 200, 50)
tmux("kill-session", "-t", board)
report_shot()
