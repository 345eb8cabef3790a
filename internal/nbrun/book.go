package nbrun

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// BookOptions configures [RenderBook].
type BookOptions struct {
	OutDir      string            // the companion folder to write (index.html, one page per notebook)
	TemplateDir string            // folder holding the "denoising" nbconvert template (notebooks/template)
	MathJax     string            // path of MathJax 3's es5/tex-svg-full.js, copied into the book
	Python      string            // default /usr/bin/python3
	Title       string            // index page title
	Results     map[string]Result // optional: execution results by notebook base name, shown on the index
}

// Page is one entry of the companion's index.
type Page struct {
	Name, Title, Summary, HTML, Notebook string
	Elapsed                              string
}

// RenderBook renders executed notebooks to HTML with the project's nbconvert
// template (no CDN: maths by a local MathJax, no require.js), copies the
// executed notebooks beside them, and writes an index page with each
// notebook's title and one-line summary. The folder is self-contained: it can
// be opened from disk or published as is.
func RenderBook(ctx context.Context, notebooks []string, opts BookOptions) ([]Page, error) {
	if opts.Python == "" {
		opts.Python = "/usr/bin/python3"
	}
	if opts.Title == "" {
		opts.Title = "Denoising autoencoders: a Go companion"
	}
	if len(notebooks) == 0 {
		return nil, fmt.Errorf("no executed notebooks to render (run the notebooks first)")
	}
	for _, d := range []string{opts.OutDir, filepath.Join(opts.OutDir, "_static"), filepath.Join(opts.OutDir, "notebooks")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := copyFile(opts.MathJax, filepath.Join(opts.OutDir, "_static", "tex-svg-full.js")); err != nil {
		return nil, fmt.Errorf("MathJax for offline maths (run `make setup`): %w", err)
	}
	var pages []Page
	for _, path := range notebooks {
		nb, err := Read(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		base := filepath.Base(path)
		name := strings.TrimSuffix(base, ".ipynb")
		cmd := exec.CommandContext(ctx, opts.Python, "-m", "nbconvert", "--to", "html",
			"--TemplateExporter.extra_template_basedirs="+opts.TemplateDir, "--template", "denoising",
			"--output-dir", opts.OutDir, "--output", name, path)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("rendering %s: %v\n%s", path, err, out.String())
		}
		if err := copyFile(path, filepath.Join(opts.OutDir, "notebooks", base)); err != nil {
			return nil, err
		}
		p := Page{Name: name, Title: nb.Title(), Summary: nb.Summary(), HTML: name + ".html", Notebook: "notebooks/" + base}
		if p.Title == "" {
			p.Title = name
		}
		if r, ok := opts.Results[base]; ok {
			p.Elapsed = r.Elapsed.Round(time.Second).String()
		}
		pages = append(pages, p)
	}
	f, err := os.Create(filepath.Join(opts.OutDir, "index.html"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	err = indexTemplate.Execute(f, map[string]any{"Title": opts.Title, "Pages": pages,
		"Date": time.Now().UTC().Format("2006-01-02 15:04 UTC")})
	if err != nil {
		return nil, err
	}
	return pages, f.Close()
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }
h1 { font-size: 1.6em; } li { margin: 0.8em 0; } .sum { color: #444; } .meta { color: #888; font-size: 0.85em; }
a { color: #0b5cad; text-decoration: none; } a:hover { text-decoration: underline; }
</style>
<script>window.MathJax = { tex: { inlineMath: [['$', '$'], ['\\(', '\\)']] }, svg: { fontCache: 'global' } };</script>
<script src="_static/tex-svg-full.js" async></script>
</head><body>
<h1>{{.Title}}</h1>
<p>A companion to lecture 7.3 "Denoising autoencoders" of François Fleuret's Deep Learning course,
written in Go with GoMLX. Every figure and number on these pages was computed when the notebooks were
executed; the notebooks and the Go packages they call are in the repository.</p>
<ol>
{{range .Pages}}<li><a href="{{.HTML}}"><b>{{.Title}}</b></a><br><span class="sum">{{.Summary}}</span><br>
<span class="meta">{{if .Elapsed}}last run {{.Elapsed}} (trained models come from the cache when present) &middot; {{end}}<a href="{{.Notebook}}">notebook (.ipynb)</a></span></li>
{{end}}</ol>
<p class="meta">Rendered {{.Date}}.</p>
</body></html>
`))
