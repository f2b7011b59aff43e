-- Quarto cross-references (@fig-x, @tbl-x, @sec-x) reach pandoc as citations, which its Typst
-- writer emits as #cite(<fig-x>): Typst rejects that without a bibliography. Emit Typst
-- references instead, so Typst writes "Figure 2.1", "Table 2.1", "Section 2.3".

local CROSSREF_PREFIXES = { "fig-", "tbl-", "sec-" }

local function is_crossref(id)
  for _, prefix in ipairs(CROSSREF_PREFIXES) do
    if id:sub(1, #prefix) == prefix then return true end
  end
  return false
end

local function typst_ref(citation)
  -- Quarto accepts @Fig-x to start a sentence; Typst's supplement is capitalised anyway.
  local id = citation.id:sub(1, 1):lower() .. citation.id:sub(2)
  if not is_crossref(id) then
    error("@" .. citation.id .. " is not a cross-reference (fig-, tbl-, sec-);"
      .. " the fallback renderer has no bibliography", 0)
  end
  -- [-@fig-x] is Quarto's way to print the number alone.
  if citation.mode == "SuppressAuthor" then
    return "#ref(<" .. id .. ">, supplement: none);"
  end
  return "@" .. id
end

function Cite(cite)
  local refs = {}
  for _, citation in ipairs(cite.citations) do
    table.insert(refs, typst_ref(citation))
  end
  return pandoc.RawInline("typst", table.concat(refs, ", "))
end
