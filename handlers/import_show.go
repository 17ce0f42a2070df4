package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/views"
)

// showImportForm is the upload page, with the user's past imports.
func (h *handler) showImportForm(w http.ResponseWriter, r *http.Request) {
	h.renderImportForm(w, r, http.StatusOK, "")
}

func (h *handler) renderImportForm(w http.ResponseWriter, r *http.Request, status int, flash string) {
	p := principalFrom(r.Context())
	list, err := h.importer.List(r.Context(), p.UserID)
	if err != nil {
		h.fail(w, r, "could not list imports", err)
		return
	}
	d := views.ImportFormData{Demo: h.demoSimURL != "", MaxMB: imports.MaxUploadBytes >> 20}
	for _, im := range list {
		ref := h.importRef(im)
		d.Imports = append(d.Imports, ref)
		if im.Active() {
			d.Active = &ref
		}
	}
	page := h.render.pageFor(r, "Import your Spotify history")
	page.Section = views.SectionHistory
	page.Flash = flash
	h.render.write(w, r, status, views.ImportPage(page, d))
}

// importRef is an import with the URLs of its page and buttons.
func (h *handler) importRef(im imports.Import) views.ImportRef {
	u := "/history/imports/" + im.ID.String()
	return views.ImportRef{Import: im, URL: u, ProgressURL: u + "?progress=1", CancelURL: u + "/cancel", DeleteURL: u + "/delete", Now: h.now()}
}

// listImports is GET /history/imports: every import the user made, newest
// first, with what became of it.
func (h *handler) listImports(w http.ResponseWriter, r *http.Request) {
	list, err := h.importer.List(r.Context(), principalFrom(r.Context()).UserID)
	if err != nil {
		h.fail(w, r, "could not list imports", err)
		return
	}
	refs := make([]views.ImportRef, len(list))
	for i, im := range list {
		refs[i] = h.importRef(im)
	}
	page := h.render.pageFor(r, "Your imports")
	page.Section = views.SectionHistory
	h.render.write(w, r, http.StatusOK, views.ImportsPage(page, refs))
}
