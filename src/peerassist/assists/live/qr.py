"""QR codes for the join link, drawn as SVG on the server with segno (no CDN, no script)."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str, *, title: str) -> bytes:
    """An SVG QR code of ``text``, dark on white, with a title for assistive technology.

    Error correction M survives a projector's glare and a phone held at an angle; the quiet
    zone of four modules is the standard's, so cameras find the code on a busy slide.
    """
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer,
        kind="svg",
        scale=8,
        border=4,
        dark="#000",
        light="#fff",
        title=title,
        svgclass="pa-qr",
        omitsize=True,
        lineclass=None,
        xmldecl=False,
        nl=False,
    )
    return buffer.getvalue()
