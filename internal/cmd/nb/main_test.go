package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dlc-go/denoising/internal/nbrun"
)

// TestRunCountsFailures runs the runner on a good and a broken notebook: it
// must report "1 passed, 1 failed" (which makes `nb run` exit 1).
func TestRunCountsFailures(t *testing.T) {
	if _, err := exec.LookPath("jupyter-nbconvert"); err != nil {
		t.Skip("jupyter-nbconvert not installed: run `make setup`")
	}
	if os.Getenv("JUPYTER_PATH") == "" || os.Getenv("DENOISING_ROOT") == "" {
		t.Skip("GoNB kernel environment not set: run through `make test`")
	}
	dir := t.TempDir()
	nbDir := filepath.Join(dir, "notebooks")
	if err := os.Mkdir(nbDir, 0o755); err != nil {
		t.Fatal(err)
	}
	var nbs []string
	for _, name := range []string{"good", "broken"} {
		src, err := os.ReadFile(filepath.Join("..", "..", "nbrun", "testdata", name+".md"))
		if err != nil {
			t.Fatal(err)
		}
		nb, err := nbrun.FromMarkdown(name, src)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := nb.Marshal()
		p := filepath.Join("notebooks", name+".ipynb")
		if err := os.WriteFile(filepath.Join(dir, p), b, 0o644); err != nil {
			t.Fatal(err)
		}
		nbs = append(nbs, p)
	}
	// A relative output folder, as the Makefile passes it: the executed
	// notebooks must land there, not under the notebooks' own folder.
	t.Chdir(dir)
	var out bytes.Buffer
	passed, failed, err := runNotebooks(&out, nbs, "quick", 5*time.Minute, "out")
	if err != nil {
		t.Fatal(err)
	}
	if passed != 1 || failed != 1 || !strings.Contains(out.String(), "\n1 passed, 1 failed\n") ||
		!strings.Contains(out.String(), "--- FAIL: "+nbs[0]) {
		t.Fatalf("passed %d failed %d, output:\n%s", passed, failed, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "good.ipynb")); err != nil {
		t.Fatalf("the executed notebook is not in the output folder: %v", err)
	}
}
