#!/usr/bin/env python3
"""Checks a page written by `logmedic -o report` (tests/report.test).

Usage: report-check.py PAGE [TEXT...]

The page must be well-formed (every element closed, in order; one doctype,
no comment), hold only the elements and attributes logmedic writes, link
only inside itself, and contain no control character but the newline, so
that text from a log can have made no markup of its own.  Each TEXT must
appear in the page's text once character references are decoded: the
hostile strings were shown, escaped, not dropped.  Prints what is wrong
and exits 1, or exits 0.
"""
import sys
from html.parser import HTMLParser

TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4",
        "section", "article", "p", "span", "code", "pre", "table", "tr", "th", "td",
        "ul", "ol", "li", "details", "summary", "a", "svg", "g", "line", "text",
        "rect", "circle"}
VOID = {"meta"}
ATTRS = {"lang", "charset", "http-equiv", "content", "name", "id", "class", "href",
         "xmlns", "width", "height", "viewbox", "role", "aria-label", "x", "y", "x1",
         "y1", "x2", "y2", "cx", "cy", "r", "text-anchor"}


class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids, self.hrefs, self.text = [], [], set(), [], []
        self.doctypes = 0

    def error(self, message):
        self.errors.append(f"line {self.getpos()[0]}: {message}")

    def attributes(self, tag, attrs):
        if tag not in TAGS:
            self.error(f"element <{tag}>")
        for name, value in attrs:
            if name not in ATTRS:
                self.error(f"attribute {name} on <{tag}>")
            if name == "id":
                self.ids.add(value)
            if name == "href":
                self.hrefs.append(value)

    def handle_starttag(self, tag, attrs):
        self.attributes(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.attributes(tag, attrs)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.error(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def handle_decl(self, decl):
        self.doctypes += 1
        if decl != "DOCTYPE html":
            self.error(f"declaration {decl}")

    def handle_comment(self, data):
        self.error("a comment")

    def handle_pi(self, data):
        self.error("a processing instruction")

    def unknown_decl(self, data):
        self.error(f"declaration {data}")


def main():
    raw = open(sys.argv[1], "rb").read()
    page = raw.decode("utf-8")  # fails on invalid UTF-8
    c = Check()
    c.feed(page)
    c.close()
    if c.stack:
        c.error("left open: " + " ".join(c.stack))
    if c.doctypes != 1:
        c.error(f"{c.doctypes} doctypes")
    for h in c.hrefs:
        if not h.startswith("#") or h[1:] not in c.ids:
            c.error(f"link {h!r} does not lead into the page")
    for i, ch in enumerate(page):
        if (ord(ch) < 0x20 and ch != "\n") or 0x7f <= ord(ch) <= 0x9f:
            c.error(f"control character U+{ord(ch):04X} at offset {i}")
            break
    text = "".join(c.text)
    for want in sys.argv[2:]:
        if want not in text:
            c.error(f"text not shown: {want!r}")
    for e in c.errors:
        print(e)
    sys.exit(1 if c.errors else 0)


main()
