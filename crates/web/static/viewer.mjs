// The case page's viewer: pdf.js (vendored) showing the case's PDF/A, opened at the page of
// the search hit with the query's words highlighted (diacritics ignored, like the search).
// For reading copies (TT 05/2025 art. 37) the agency's name is shown at the bottom centre of
// every page and no download control exists.
import * as pdfjsLib from "/static/vendor/pdfjs/pdf.min.mjs";

globalThis.pdfjsLib = pdfjsLib;
pdfjsLib.GlobalWorkerOptions.workerSrc = "/static/vendor/pdfjs/pdf.worker.min.mjs";
const { EventBus, PDFLinkService, PDFFindController, PDFViewer } = await import(
  "/static/vendor/pdfjs/pdf_viewer.mjs"
);

const box = document.getElementById("viewer-box");
const data = box.dataset;
const startPage = Math.max(1, parseInt(data.page || "1", 10));
const terms = JSON.parse(data.terms || "[]");
const reading = data.reading === "true";

const eventBus = new EventBus();
const linkService = new PDFLinkService({ eventBus });
const findController = new PDFFindController({ eventBus, linkService });
const viewer = new PDFViewer({
  container: box,
  viewer: document.getElementById("viewer"),
  eventBus,
  linkService,
  findController,
  textLayerMode: 1,
});
linkService.setViewer(viewer);

const pageInput = document.getElementById("page-number");
eventBus.on("pagechanging", (e) => {
  pageInput.value = e.pageNumber;
  document.body.dataset.currentPage = String(e.pageNumber);
});
eventBus.on("pagesinit", () => {
  viewer.currentScaleValue = "page-width";
  viewer.currentPageNumber = Math.min(startPage, viewer.pagesCount);
  document.body.dataset.currentPage = String(viewer.currentPageNumber);
  if (terms.length > 0) {
    eventBus.dispatch("find", {
      source: null,
      type: "",
      query: terms,
      caseSensitive: false,
      entireWord: true,
      highlightAll: true,
      findPrevious: false,
      matchDiacritics: false,
    });
  }
});
eventBus.on("updatefindmatchescount", (e) => {
  document.body.dataset.matches = String(e.matchesCount.total);
});
eventBus.on("pagerendered", (e) => {
  document.body.dataset.rendered = String(e.pageNumber);
  if (reading && data.agency) {
    const div = e.source.div;
    if (!div.querySelector(".reading-mark")) {
      const mark = document.createElement("div");
      mark.className = "reading-mark";
      mark.textContent = data.agency;
      div.appendChild(mark);
    }
  }
});
document.getElementById("prev-page").addEventListener("click", () => viewer.previousPage());
document.getElementById("next-page").addEventListener("click", () => viewer.nextPage());
document.getElementById("zoom-in").addEventListener("click", () => viewer.increaseScale());
document.getElementById("zoom-out").addEventListener("click", () => viewer.decreaseScale());
pageInput.addEventListener("change", () => {
  const n = parseInt(pageInput.value, 10);
  if (n >= 1 && n <= viewer.pagesCount) viewer.currentPageNumber = n;
});
for (const a of document.querySelectorAll(".thumbs a[data-page]")) {
  a.addEventListener("click", (ev) => {
    ev.preventDefault();
    viewer.currentPageNumber = parseInt(a.dataset.page, 10);
    box.scrollIntoView({ behavior: "smooth" });
  });
}

const doc = await pdfjsLib.getDocument({
  url: data.pdf,
  withCredentials: true,
  isEvalSupported: false,
  disableRange: true,
}).promise;
viewer.setDocument(doc);
linkService.setDocument(doc, null);
document.getElementById("page-count").textContent = String(doc.numPages);
document.body.dataset.pages = String(doc.numPages);
