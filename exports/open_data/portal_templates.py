"""The portal's Jinja2 templates (templates/): one base layout and one template per page kind
(home, school, district) plus the measure section a report card is made of. Python gathers the
data; the markup lives in the templates, autoescaped, so no text reaches a page unescaped.

A report card is written in parts (its head, its sections, its end) so that an unchanged
section can be copied from the previous build: the page template is rendered once with a
marker where the sections go and cut there."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).with_name("templates")
_SECTIONS_MARK = "\x00sections\x00"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
    )


def templates_digest() -> bytes:
    """The bytes of every template, for the digest that decides whether a page is redrawn."""
    return b"".join(
        path.name.encode("utf-8") + path.read_bytes() for path in sorted(TEMPLATES_DIR.iterdir())
    )


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def render_parts(template: str, **context) -> tuple[str, str]:
    """(head, end) of a page template rendered with its sections left out."""
    page = render(template, sections=Markup(_SECTIONS_MARK), **context)
    head, end = page.split(_SECTIONS_MARK)
    return head, end


@cache
def _section_template() -> jinja2.Template:
    return environment().get_template("section.html.j2")


def render_section(section: dict, t) -> str:
    """One measure section (templates/section.html.j2) from portal_school.measure_section,
    with the page language's words `t` (portal_text.Texts)."""
    return _section_template().render(s=section, t=t)
