package nbrun

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFromMarkdown(t *testing.T) {
	src := "---\nsummary: One line.\n---\n# Title here\n\nSome $x$ text.\n+++\nSecond cell.\n```go\n%%\nfmt.Println(1)\n```\nAfter.\n"
	nb, err := FromMarkdown("x", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	types := []string{}
	for _, c := range nb.Cells {
		types = append(types, c.CellType)
	}
	if got := strings.Join(types, ","); got != "markdown,markdown,code,markdown" {
		t.Fatalf("cells %s", got)
	}
	if nb.Cells[2].Source != "%%\nfmt.Println(1)" {
		t.Fatalf("code cell %q", nb.Cells[2].Source)
	}
	if nb.Title() != "Title here" || nb.Summary() != "One line." {
		t.Fatalf("title %q summary %q", nb.Title(), nb.Summary())
	}
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	// Round trip through the JSON form, and deterministic bytes.
	nb2, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if nb2.Cells[2].Source != nb.Cells[2].Source || len(nb2.Cells) != 4 {
		t.Fatal("round trip changed the notebook")
	}
	nb3, _ := FromMarkdown("x", []byte(src))
	b3, _ := nb3.Marshal()
	if string(b) != string(b3) {
		t.Fatal("generation is not deterministic")
	}
	for _, want := range []string{`"execution_count": null`, `"outputs": []`, `"pygments_lexer": "go"`, `"id": "`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("generated notebook lacks %s", want)
		}
	}
}

func TestFromMarkdownErrors(t *testing.T) {
	for name, src := range map[string]string{
		"no summary":     "# T\n",
		"unclosed front": "---\nsummary: x\n# T\n",
		"unclosed code":  "---\nsummary: x\n---\n```go\nfmt.Println()\n",
		"bad front":      "---\nsummary x\n---\n",
	} {
		if _, err := FromMarkdown(name, []byte(src)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestProblems(t *testing.T) {
	nb := &Notebook{NBFormat: 4, Cells: []Cell{
		{CellType: "code", Outputs: []Output{{OutputType: "stream", Name: "stdout", Text: "fine\n"}}},
		{CellType: "code", Outputs: []Output{{OutputType: "error", EName: "ERROR", EValue: "failed to run go build"}}},
		{CellType: "code", Outputs: []Output{{OutputType: "stream", Name: "stderr", Text: "goroutine 1\npanic: boom\n"}}},
		{CellType: "code", Outputs: []Output{{OutputType: "stream", Name: "stderr", Text: "I1128 harmless log\n"}}},
	}}
	p := Problems(nb)
	if len(p) != 2 || !strings.Contains(p[0], "cell 2") || !strings.Contains(p[1], "panic: boom") {
		t.Fatalf("problems %q", p)
	}
	if len(Problems(&Notebook{Cells: nb.Cells[:1]})) != 0 {
		t.Fatal("a clean notebook reported problems")
	}
}

func TestLinesJSON(t *testing.T) {
	var l Lines
	if err := l.UnmarshalJSON([]byte(`["a\n","b"]`)); err != nil || l != "a\nb" {
		t.Fatalf("%q %v", l, err)
	}
	if err := l.UnmarshalJSON([]byte(`"x\ny"`)); err != nil || l != "x\ny" {
		t.Fatalf("%q %v", l, err)
	}
	if err := l.UnmarshalJSON([]byte(`3`)); err == nil {
		t.Fatal("a number was accepted as text")
	}
	b, _ := Lines("a\nb\n").MarshalJSON()
	if string(b) != `["a\n","b\n"]` {
		t.Fatalf("%s", b)
	}
}

// TestRunnerFailsOnBrokenNotebook executes real notebooks with Jupyter and the
// GoNB kernel: a panicking one and one that does not compile must fail, a
// good one must pass. It needs `make setup` (it is skipped, saying so, when
// Jupyter or the kernel is missing; `make test` always has them).
func TestRunnerFailsOnBrokenNotebook(t *testing.T) {
	if _, err := exec.LookPath("jupyter-nbconvert"); err != nil {
		t.Skip("jupyter-nbconvert not installed: run `make setup`")
	}
	if os.Getenv("JUPYTER_PATH") == "" || os.Getenv("DENOISING_ROOT") == "" {
		t.Skip("GoNB kernel environment not set: run through `make test`")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		wantOK bool
	}{{"good", true}, {"broken", false}, {"compile_error", false}} {
		src, err := os.ReadFile(filepath.Join("testdata", tc.name+".md"))
		if err != nil {
			t.Fatal(err)
		}
		nb, err := FromMarkdown(tc.name, src)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := nb.Marshal()
		path := filepath.Join(dir, tc.name+".ipynb")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r := Execute(context.Background(), path, ExecOptions{OutDir: filepath.Join(dir, "out"), CellTimeout: 5 * time.Minute})
		if r.OK() != tc.wantOK {
			t.Errorf("%s: OK()=%v, want %v; problems %q (log %s)", tc.name, r.OK(), tc.wantOK, r.Problems, r.Log)
		} else {
			t.Logf("%s: ok=%v problems=%q in %s", tc.name, r.OK(), r.Problems, r.Elapsed)
		}
	}
}
