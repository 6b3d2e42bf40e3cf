"""The file chooser of Last opp in Norwegian: a drop zone and list of the app's own (a
component of ``st.components.v2``) that says what to do, the formats and the limit, names
each chosen file whole, and hands the files chosen or dropped to a Streamlit uploader beside
it, whose own zone and list (in English, which Streamlit 1.67 cannot translate, and with
each name cut in the middle) are hidden. The uploader still carries the files to the server
and gives the page its files, so every check of what arrives — a file of the wrong kind gets
the app's Norwegian message — is as before; «Fjern» presses the uploader's own remove
button of the file. Without the component's script the uploader's own zone shows."""

from __future__ import annotations

import streamlit as st

from ia_data.domain import formatting as fmt

# The chooser's words (set as text by the script, never as HTML).
WORDS = {
    "drop": "Dra filene hit, eller velg dem",
    "limit": "Høyst {limit} MB per fil · {formats}",
    "button": "Velg filer",
    "remove": "Fjern",
    "remove_label": "Fjern {name}",
}

FORMATS = "XLSX, XLSM, XLS, ODS"

_HTML = (
    '<div class="label"></div><div class="zone" data-testid="iaFileChooser"></div>'
    '<ul class="files" data-testid="iaChosenFiles"></ul>'
)

_CSS = """
.label {font-family: var(--st-font); font-size: 0.875rem; color: var(--st-text-color);
  margin-bottom: 0.25rem}
.zone {display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem 1rem;
  padding: 1rem; border-radius: 0.5rem; background: var(--st-secondary-background-color);
  color: var(--st-text-color); font-family: var(--st-font); font-size: 0.95rem}
.files {list-style: none; margin: 0.5rem 0 0; padding: 0; display: flex;
  flex-direction: column; gap: 0.25rem; font-family: var(--st-font); font-size: 0.95rem;
  color: var(--st-text-color)}
.files li {display: flex; align-items: center; gap: 0.5rem; padding: 0.25rem 0}
.name {flex: 1 1 auto; overflow-wrap: anywhere}
.size {opacity: 0.8; white-space: nowrap}
.zone.over {outline: 2px dashed var(--st-primary-color); outline-offset: -2px}
.words {flex: 1 1 12rem; display: flex; flex-direction: column; gap: 0.25rem}
.limit {font-size: 0.875rem; opacity: 0.8}
button {font: inherit; padding: 0.4rem 0.9rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.25); background: var(--st-background-color);
  color: var(--st-text-color)}
button:focus-visible {outline: 2px solid var(--st-primary-color); outline-offset: 2px}
input {display: none}
"""

# Builds the zone from ``data`` (the words, what the system's chooser offers, and the key of
# the uploader), and hands the files chosen or dropped to the uploader's own file input,
# as the browser does when a file is chosen there.
_JS = """
export default function ({ parentElement, data }) {
  parentElement.querySelector(".label").textContent = data.label;
  const zone = parentElement.querySelector(".zone");
  zone.replaceChildren();
  const words = document.createElement("div");
  words.className = "words";
  const drop = document.createElement("strong");
  drop.textContent = data.drop;
  const limit = document.createElement("span");
  limit.className = "limit";
  limit.textContent = data.limit;
  words.append(drop, limit);
  const input = document.createElement("input");
  input.type = "file";
  input.multiple = true;
  input.accept = data.accept;
  input.tabIndex = -1;
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = data.button;
  button.onclick = () => input.click();
  zone.append(words, button, input);
  const target = () =>
    document.querySelector(`.st-key-${data.target} [data-testid=stFileUploader] input[type=file]`);
  const hand = (files) => {
    const into = target();
    if (!into || !files || !files.length) return;
    const moved = new DataTransfer();
    for (const file of files) moved.items.add(file);
    into.files = moved.files;
    into.dispatchEvent(new Event("change", { bubbles: true }));
  };
  input.onchange = () => { hand(input.files); input.value = ""; };
  const list = parentElement.querySelector(".files");
  list.replaceChildren();
  data.files.forEach((file, i) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    const size = document.createElement("span");
    size.className = "size";
    size.textContent = file.size;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = data.remove;
    remove.setAttribute("aria-label", file.remove_label);
    remove.onclick = () => {
      const own = document.querySelectorAll(
        `.st-key-${data.target} [data-testid=stFileChipDeleteBtn] button`);
      if (own[i]) own[i].click();
    };
    item.append(name, size, remove);
    list.append(item);
  });
  zone.ondragover = (event) => { event.preventDefault(); zone.classList.add("over"); };
  zone.ondragleave = () => zone.classList.remove("over");
  zone.ondrop = (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    hand(event.dataTransfer.files);
  };
}
"""

_chooser = st.components.v2.component("ia_file_chooser", html=_HTML, css=_CSS, js=_JS)


# The uploader's own zone and list hidden inside its box: the chooser stands in for them.
_UPLOADER_STYLE = "<style>.st-key-{key} [data-testid=stFileUploader] {{display: none}}</style>"


def _size(size: int) -> str:
    """A file's size as the chooser lists it: «3 byte», «11,5 kB», «2,3 MB»."""
    if size >= 1_000_000:
        return f"{fmt.number(size / 1_000_000, 1)} MB"
    return f"{fmt.number(size / 1000, 1)} kB" if size >= 1000 else f"{size} byte"


def file_chooser(label: str, accepted: list[str], *, key: str):
    """The chosen files (``st.file_uploader``'s, several at once), chosen or dropped in the
    app's Norwegian chooser under ``label``; ``accepted``: what the system's file chooser
    offers (what arrives is checked by the app, of any kind). (The uploader's own label is
    for a screen reader: the chooser shows it.)"""
    box = f"ia_chooser_{key}"
    limit = st.get_option("server.maxUploadSize")
    st.html(_UPLOADER_STYLE.format(key=box))
    with st.container(key=box):
        # Every file is taken (Streamlit's own check of the kind would refuse in English,
        # silently here): the app's check says in Norwegian what a file of another kind is.
        files = st.file_uploader(
            label, accept_multiple_files=True, key=key, label_visibility="collapsed"
        )
        chosen = [
            {
                "name": f.name,
                "size": _size(f.size),
                "remove_label": WORDS["remove_label"].format(name=f.name),
            }
            for f in files or []
        ]
        _chooser(
            data={
                **WORDS,
                "label": label,
                "limit": WORDS["limit"].format(limit=limit, formats=FORMATS),
                "accept": ",".join(accepted),
                "target": box,
                "files": chosen,
            },
            key=f"{box}_zone",
        )
    return files
