"""The XML parts of the LibreOffice extension: its description, manifest and configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from workbook.templates_loader import Wording

#: The component's name, and the scheme of its commands' URLs (``vnd.tech-trade-snapshot:check``).
IMPLEMENTATION = "tech_trade_snapshot.addin.Commands"
PROTOCOL = "vnd.tech-trade-snapshot:"
#: Where Calc shows the menu: spreadsheets only.
CALC = "com.sun.star.sheet.SpreadsheetDocument"
COMPONENT = "tech_trade_addin.py"
ADDONS = "Addons.xcu"
PROTOCOL_HANDLER = "ProtocolHandler.xcu"
#: The menu's commands, in order: (URL path, key of its title in the wording).
COMMANDS = (("check", "check"), ("extract", "extract"), ("rebuild", "rebuild"), (None, None), ("about", "about"))

_CONFIGURATION = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
                  'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="{name}" oor:package="org.openoffice.Office">\n'
                  '{body}</oor:component-data>\n')


def description_xml(identifier: str, version: str, words: Wording) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<description xmlns="http://openoffice.org/extensions/description/2006" '
            'xmlns:d="http://openoffice.org/extensions/description/2006" '
            'xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            f'  <identifier value={quoteattr(identifier)}/>\n'
            f'  <version value={quoteattr(version)}/>\n'
            '  <platform value="all"/>\n'
            f'  <display-name><name lang="en">{escape(words["display_name"])}</name></display-name>\n'
            '  <extension-description><src xlink:href="description-en.txt" lang="en"/></extension-description>\n'
            '</description>\n')


def manifest_xml() -> str:
    entries = ((COMPONENT, "application/vnd.sun.star.uno-component;type=Python"),
               (ADDONS, "application/vnd.sun.star.configuration-data"),
               (PROTOCOL_HANDLER, "application/vnd.sun.star.configuration-data"))
    lines = "".join(f'  <manifest:file-entry manifest:full-path={quoteattr(path)} '
                    f'manifest:media-type={quoteattr(kind)}/>\n' for path, kind in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">\n'
            f'{lines}</manifest:manifest>\n')


def protocol_handler_xcu(implementation: str, protocol: str) -> str:
    body = ('  <node oor:name="HandlerSet">\n'
            f'    <node oor:name={quoteattr(implementation)} oor:op="replace">\n'
            f'      <prop oor:name="Protocols" oor:type="oor:string-list"><value>{escape(protocol)}*</value></prop>\n'
            '    </node>\n'
            '  </node>\n')
    return _CONFIGURATION.format(name="ProtocolHandler", body=body)


def addons_xcu(identifier: str, protocol: str, words: Wording) -> str:
    """A top-level menu in Calc's menu bar, after Tools, with one entry per command."""
    items = []
    for place, (path, key) in enumerate(COMMANDS):
        url = f"{protocol}{path}" if path else "private:separator"
        title = _prop("Title", words[key], lang=True) if key else ""
        items.append(f'          <node oor:name="m{place:02d}" oor:op="replace">\n'
                     f'            {_prop("URL", url)}\n'
                     f'            {title}\n'
                     f'            {_prop("Target", "_self")}\n'
                     f'            {_prop("Context", CALC)}\n'
                     '          </node>\n')
    body = ('  <node oor:name="AddonUI">\n'
            '    <node oor:name="OfficeMenuBar">\n'
            f'      <node oor:name={quoteattr(identifier + ".menu")} oor:op="replace">\n'
            f'        {_prop("Title", words["menu"], lang=True)}\n'
            f'        {_prop("Target", "_self")}\n'
            f'        {_prop("Context", CALC)}\n'
            '        <node oor:name="Submenu">\n'
            f'{"".join(items)}'
            '        </node>\n'
            '      </node>\n'
            '    </node>\n'
            '  </node>\n')
    return _CONFIGURATION.format(name="Addons", body=body)


def _prop(name: str, value: str, lang: bool = False) -> str:
    language = ' xml:lang="en-US"' if lang else ""
    return f'<prop oor:name="{name}" oor:type="xs:string"><value{language}>{escape(value)}</value></prop>'
