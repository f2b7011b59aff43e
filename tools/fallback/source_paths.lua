-- Each chapter arrives wrapped in a Div `.fallback-source` whose `dir` attribute is the chapter's
-- folder relative to the project root. Relative image paths are relative to that folder (as in
-- Quarto), but Typst resolves them relative to the .typ file: make them root-absolute
-- ("/dir/img.png"), which Typst resolves against the project root. The wrapper Div is dropped.

local function is_relative(src)
  return not src:match("^/") and not src:match("^%a[%w+.-]*:")
end

function Div(div)
  if not div.classes:includes("fallback-source") then return nil end
  local dir = div.attributes.dir
  return div.content:walk({
    Image = function(image)
      if is_relative(image.src) then
        image.src = "/" .. pandoc.path.normalize(pandoc.path.join({ dir, image.src }))
      end
      return image
    end,
  })
end
