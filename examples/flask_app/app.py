"""A small notes site in Flask: what a real app puts through a Lambda adapter.

HTML pages linked with ``url_for``, a form that redirects after POST, a JSON API,
a login that sets two cookies at once, a multipart upload, a generated PNG, a
static stylesheet and custom error pages. Nothing here knows about Lambda:
run it with ``flask --app app run`` or put it behind any WSGI server.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from dataclasses import asdict, dataclass

from flask import (
    Flask,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

app = Flask(__name__)
# A fixed fallback keeps the example runnable as-is; set SECRET_KEY in production.
app.secret_key = os.environ.get("SECRET_KEY", "dev-only-not-secret")

MAX_CHART_VALUES = 32


@dataclass(frozen=True)
class Note:
    id: int
    title: str
    body: str


NOTES: list[Note] = [
    Note(1, "Welcome", "This site runs unchanged on a laptop and on AWS Lambda."),
    Note(2, "Links", "Every link is built with url_for, so it follows the mount point."),
]


def _add_note(title: str, body: str) -> Note:
    note = Note(max((n.id for n in NOTES), default=0) + 1, title, body)
    NOTES.append(note)
    return note


def _find_note(note_id: int) -> Note:
    for note in NOTES:
        if note.id == note_id:
            return note
    abort(404)


# --- HTML pages ---------------------------------------------------------------


@app.get("/")
def index():
    return render_template("index.html", notes=NOTES, user=session.get("user"))


@app.route("/notes", methods=["GET", "POST"])
def notes():
    if request.method == "POST":
        title = request.form.get("title", "").strip()
        if not title:
            flash("A note needs a title.")
            return render_template("notes.html", notes=NOTES), 400
        note = _add_note(title, request.form.get("body", "").strip())
        flash(f"Saved “{note.title}”.")
        # Post/Redirect/Get: a reload of the next page must not post the form again.
        return redirect(url_for("note_page", note_id=note.id))
    return render_template("notes.html", notes=NOTES)


@app.get("/notes/<int:note_id>")
def note_page(note_id: int):
    return render_template("note.html", note=_find_note(note_id))


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html")
    name = request.form.get("name", "").strip()
    if not name:
        return render_template("login.html", error="Tell us your name."), 400
    session["user"] = name
    response = redirect(url_for("index"))
    # A second cookie next to Flask's session cookie: both must reach the browser.
    response.set_cookie("theme", request.form.get("theme", "light"), max_age=30 * 24 * 3600, samesite="Lax")
    return response


@app.post("/logout")
def logout():
    session.clear()
    response = redirect(url_for("index"))
    response.delete_cookie("theme")
    return response


@app.route("/upload", methods=["GET", "POST"])
def upload():
    if request.method == "GET":
        return render_template("upload.html")
    file = request.files.get("file")
    if file is None or not file.filename:
        return jsonify(error="send the file as the multipart field 'file'"), 400
    data = file.read()
    return jsonify(
        filename=file.filename,
        content_type=file.mimetype,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        caption=request.form.get("caption", ""),
    )


@app.get("/chart.png")
def chart():
    """A bar chart of ``?v=3&v=1&v=4`` (repeated keys), drawn without any imaging library."""
    values = request.args.getlist("v", type=int)[:MAX_CHART_VALUES] or [len(n.body) % 10 + 1 for n in NOTES]
    png = render_bar_chart(values)
    return app.response_class(png, mimetype="image/png", headers={"Cache-Control": "max-age=60"})


@app.get("/boom")
def boom():
    raise RuntimeError("this page fails on purpose to show the 500 page")


# --- JSON API -----------------------------------------------------------------


@app.get("/api/notes")
def api_list():
    query = request.args.get("q", "").lower()
    found = [asdict(n) for n in NOTES if query in n.title.lower() or query in n.body.lower()]
    return jsonify(notes=found, count=len(found), next=url_for("api_list", _external=True))


@app.post("/api/notes")
def api_create():
    payload = request.get_json(silent=True) or {}
    title = str(payload.get("title", "")).strip()
    if not title:
        return jsonify(error="'title' is required"), 422
    note = _add_note(title, str(payload.get("body", "")))
    return jsonify(asdict(note)), 201, {"Location": url_for("api_get", note_id=note.id)}


@app.get("/api/notes/<int:note_id>")
def api_get(note_id: int):
    return jsonify(asdict(_find_note(note_id)))


# --- errors -------------------------------------------------------------------


@app.errorhandler(404)
def not_found(error):
    if request.path.startswith("/api/"):
        return jsonify(error="not found", path=request.path), 404
    return render_template("404.html", path=request.path), 404


@app.errorhandler(500)
def server_error(error):
    return render_template("500.html"), 500


# --- PNG, standard library only -----------------------------------------------


def render_bar_chart(values: list[int], bar: int = 12, gap: int = 4, height: int = 64) -> bytes:
    """An RGB PNG with one bar per value, scaled to ``height``."""
    top = max(max(values), 1)
    width = len(values) * (bar + gap) + gap
    heights = [max(1, round(v / top * (height - gap))) if v > 0 else 0 for v in values]
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type 0 for every scanline
        for x in range(width):
            slot, offset = divmod(x - gap, bar + gap)
            inside = x >= gap and offset < bar and slot < len(values) and height - y <= heights[slot]
            row += b"\x2b\x6c\xb0" if inside else b"\xf4\xf4\xf4"
        rows.append(bytes(row))
    return encode_png(width, height, b"".join(rows))


def encode_png(width: int, height: int, scanlines: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(scanlines)) + chunk(b"IEND", b"")
