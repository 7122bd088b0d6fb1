#!/usr/bin/env python3
"""Render every chat template in this folder for every conversation in
conversations.json, the way Hugging Face transformers' apply_chat_template does,
and write the results to expected/.

What is reproduced (transformers/utils/chat_template_utils.py, _compile_jinja_template,
and tokenization_utils_base.py apply_chat_template):

  * environment: jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True,
    lstrip_blocks=True, extensions=[AssistantTracker, jinja2.ext.loopcontrols]).
    AssistantTracker only adds the {% generation %} tag (none of these templates
    uses it), so it is left out here.
  * filters["tojson"] = tojson(x, ensure_ascii=False, indent=None, separators=None,
    sort_keys=False) -> json.dumps(x, ensure_ascii=ensure_ascii, indent=indent,
    separators=separators, sort_keys=sort_keys). (Replaces Jinja's own tojson, which
    HTML-escapes <, >, &, ' and sorts keys.)
  * globals["raise_exception"](message) raises jinja2.exceptions.TemplateError(message).
  * globals["strftime_now"](format) = datetime.now().strftime(format) in transformers;
    HERE it formats a FIXED datetime (--date, default 2026-07-26T00:00:00) so the
    output is reproducible. LC_TIME is forced to "C" so %b/%a are English.
  * render(messages=..., tools=..., documents=None, add_generation_prompt=...,
    **special_tokens) where special_tokens is <name>.tokens.json minus null values
    (transformers passes tokenizer.special_tokens_map, which omits unset tokens;
    it also contains additional_special_tokens etc., which no template here reads).
  * tools: the conversation's "tools" list as-is (list of JSON-schema dicts, what
    transformers passes through unchanged), else None.
  * The rendered string is written as-is (UTF-8, nothing appended, nothing stripped),
    except for conversations marked "continue_final_message": those are cut after the
    final message as apply_chat_template(continue_final_message=True) cuts them (prefill).

If rendering raises, expected/<template>__<conversation>.error gets str(exception)
(no trailing newline) and index.json records the exception class.

Usage:
  python3 render_reference.py [--date 2026-07-26] [--dir DIR] [--check]
  --check: render and compare with the existing expected/ files; write nothing;
           exit 1 on any difference.
"""
import argparse
import copy
import datetime
import hashlib
import json
import locale
import os
import platform
import sys

import jinja2
import jinja2.ext
import jinja2.exceptions
from jinja2.sandbox import ImmutableSandboxedEnvironment

TOKEN_KEYS = ("bos_token", "eos_token", "unk_token", "pad_token")


def make_env(now):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return now.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def continue_final_message(rendered, final_message):
    """transformers' apply_chat_template(continue_final_message=True): cut the rendered chat
    right after the final message's text (searched stripped, from the end), keeping its
    trailing whitespace only if the template kept it."""
    if final_message.strip() not in rendered:
        raise ValueError("continue_final_message is set but the final message does not appear in the chat "
                         "after applying the chat template!")
    loc = rendered.rindex(final_message.strip())
    if rendered[loc: loc + len(final_message.lstrip())] == final_message:
        return rendered[: loc + len(final_message.lstrip())]
    return rendered[: loc + len(final_message.strip())]


def render_one(env, template_text, tokens, conv):
    compiled = env.from_string(template_text)
    special = {k: v for k, v in tokens.items() if k in TOKEN_KEYS and v}
    rendered = render_plain(compiled, special, conv)
    if conv.get("continue_final_message"):
        return continue_final_message(rendered, conv["messages"][-1]["content"])
    return rendered


def render_plain(compiled, special, conv):
    return compiled.render(
        messages=copy.deepcopy(conv["messages"]),
        tools=copy.deepcopy(conv.get("tools")),
        documents=None,
        add_generation_prompt=conv["add_generation_prompt"],
        **special,
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--date", default="2026-07-26", help="fixed 'now' for strftime_now (ISO date or datetime)")
    ap.add_argument("--dir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    locale.setlocale(locale.LC_TIME, "C")
    now = datetime.datetime.fromisoformat(args.date)
    base = args.dir
    out_dir = os.path.join(base, "expected")

    with open(os.path.join(base, "conversations.json"), encoding="utf-8") as f:
        conversations = json.load(f)
    names = sorted(fn[: -len(".jinja")] for fn in os.listdir(base) if fn.endswith(".jinja"))

    results = {}  # filename -> bytes
    index = []
    for name in names:
        with open(os.path.join(base, name + ".jinja"), "rb") as f:
            template_text = f.read().decode("utf-8")
        with open(os.path.join(base, name + ".tokens.json"), encoding="utf-8") as f:
            tokens = json.load(f)
        env = make_env(now)
        for conv in conversations:
            stem = f"{name}__{conv['name']}"
            try:
                data = render_one(env, template_text, tokens, conv).encode("utf-8")
                fn, status, exc = stem + ".txt", "ok", None
            except Exception as e:  # noqa: BLE001 - any failure is a fixture outcome
                data = str(e).encode("utf-8")
                fn, status, exc = stem + ".error", "error", type(e).__module__ + "." + type(e).__qualname__
            results[fn] = data
            entry = {"template": name, "conversation": conv["name"], "file": fn, "status": status,
                     "sha256": hashlib.sha256(data).hexdigest()}
            if exc:
                entry["exception"] = exc
            index.append(entry)

    index_doc = {
        "generator": "render_reference.py",
        "strftime_now_fixed_datetime": now.isoformat(),
        "jinja2": jinja2.__version__,
        "python": platform.python_version(),
        "cases": index,
    }
    results["index.json"] = (json.dumps(index_doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    if args.check:
        bad = 0
        for fn, data in results.items():
            p = os.path.join(out_dir, fn)
            if fn == "index.json":
                continue  # versions recorded there may legitimately differ
            if not os.path.exists(p) or open(p, "rb").read() != data:
                print("DIFF", fn)
                bad += 1
        existing = {fn for fn in os.listdir(out_dir) if fn.endswith((".txt", ".error"))}
        for fn in sorted(existing - set(results)):
            print("STALE", fn)
            bad += 1
        print(f"{len(results) - 1} cases checked, {bad} differences")
        sys.exit(1 if bad else 0)

    os.makedirs(out_dir, exist_ok=True)
    for fn in os.listdir(out_dir):
        if fn.endswith((".txt", ".error")) and fn not in results:
            os.remove(os.path.join(out_dir, fn))
    for fn, data in results.items():
        with open(os.path.join(out_dir, fn), "wb") as f:
            f.write(data)
    ok = sum(1 for e in index if e["status"] == "ok")
    print(f"{len(index)} cases: {ok} rendered, {len(index) - ok} raised; jinja2 {jinja2.__version__}, "
          f"python {platform.python_version()}, strftime_now fixed at {now.isoformat()}")


if __name__ == "__main__":
    main()
