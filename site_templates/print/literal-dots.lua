-- Pandoc Lua filter used by generator/print/typeset.py (markdown_to_typst).
--
-- Pandoc's typst writer leaves "..." in text as it is, and Typst prints three dots as an
-- ellipsis (…). Escaped dots in the Markdown (record text through escape.md_escape) must
-- print as written; unescaped "..." never gets here as dots, pandoc's smart typography has
-- already made it "…". So a text run holding three dots is written as raw Typst with every
-- ASCII punctuation mark backslash-escaped, as typeset.typst_escape does: Typst prints a
-- backslash-escaped character literally.
--
-- The writer also turns a typographic apostrophe (’, U+2019) into ASCII "'", which Typst's
-- smart quotes print as ‘ or ’ depending on what precedes it; a text run holding ’ is written
-- as raw Typst too, so the character itself reaches Typst and prints as it is.
--
-- "-?" is Typst's shorthand for a soft hyphen and the writer leaves it as it is too: a text
-- run holding it is written escaped the same way, so "0-?" prints as written.
function Str(el)
  if el.text:find("...", 1, true) or el.text:find("\u{2019}", 1, true)
      or el.text:find("-?", 1, true) then
    return pandoc.RawInline("typst", (el.text:gsub("[!-/:-@[-`{-~]", "\\%0")))
  end
end
