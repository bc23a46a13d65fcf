"""Policy manuals (管理制度): content/manuals/*.md rendered for one centre.

Each manual is Markdown with YAML front matter and a Jinja2 body (project content,
trusted, rendered in a sandbox with ``StrictUndefined``, no loader, every printed
value escaped unless it is ``Md``). The body marks structure with two line markers:
``## 章名`` starts a chapter and ``§`` (or ``§[key]``) starts an article; chapter and
article numbers are generated, so an inserted article renumbers the rest, and
``{{ ref("key") }}`` prints the current number of a keyed article.

A centre changes its manuals without forking content/ (see docs/manuals.md):
``centres/<id>/manuals/<manual-id>.md`` replaces a manual (never run as Jinja; limited
Markdown: no HTML, links, images, raw blocks or braces), ``<manual-id>.add.yaml`` adds,
replaces or removes articles, ``settings.yaml`` overrides the settings of
``content/manuals/_defaults.yaml`` (approval limits, time limits, emergency hazards).

The modules, each importing only those above it:

- ``text``: Chinese numerals and the small wordings (numbers, dates, opening hours).
- ``sources``: reading the files (``read_manual_sources``), the only file-system access.
- ``structure``: chapters and articles, parsed, numbered and printed (``Manual``).
- ``templates``: front matter and YAML, content templates, a centre's replacement manuals.
- ``facts``: what the rule pack says (``pack_facts``) and the citations of a manual.
- ``settings``: the settings, from _defaults.yaml, the manuals and a centre's settings.yaml.
- ``additions``: the ``.add.yaml`` language of a centre's additions.
- ``render``: the template contract (``ManualContext``) and the Jinja2 sandbox.
- ``build``: every manual of a centre (``build_manuals``, ``render_manuals``).
"""
