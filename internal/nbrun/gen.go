package nbrun

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// FromMarkdown builds a notebook from its Markdown source.
//
// The source starts with a front matter block
//
//	---
//	summary: One line shown on the companion's index page.
//	---
//
// followed by Markdown. Every ```go fenced block becomes one GoNB code cell
// (its content verbatim, so GoNB's %% and ! lines work); the Markdown between
// code blocks becomes a Markdown cell, and a line holding only "+++" splits
// Markdown into several cells. Cell ids are derived from the cell position and
// the notebook name, so regenerating an unchanged source gives identical bytes.
func FromMarkdown(name string, src []byte) (*Notebook, error) {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	meta := map[string]any{}
	if rest, ok := strings.CutPrefix(text, "---\n"); ok {
		front, body, found := strings.Cut(rest, "\n---\n")
		if !found {
			return nil, fmt.Errorf("%s: front matter opened with --- but never closed", name)
		}
		for _, line := range strings.Split(front, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				return nil, fmt.Errorf("%s: front matter line %q is not key: value", name, line)
			}
			meta[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		text = body
	}
	if s, _ := meta["summary"].(string); s == "" {
		return nil, fmt.Errorf("%s: front matter needs a summary: line", name)
	}

	nb := &Notebook{
		Metadata: map[string]any{
			"kernelspec": map[string]any{"display_name": "Go (gonb)", "language": "go", "name": "gonb"},
			// pygments_lexer makes nbconvert highlight Go as Go, not Python.
			"language_info": map[string]any{"name": "go", "pygments_lexer": "go", "mimetype": "text/x-go", "file_extension": ".go"},
			"denoising":     meta,
		},
		NBFormat: 4, NBFormatMinor: 5,
	}
	var md, code strings.Builder
	inCode := false
	flushMD := func() {
		s := strings.Trim(md.String(), "\n")
		md.Reset()
		if strings.TrimSpace(s) != "" {
			nb.Cells = append(nb.Cells, Cell{CellType: "markdown", Metadata: map[string]any{}, Source: Lines(s)})
		}
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	lineNo := 0
	openedAt := 0
	for sc.Scan() {
		line := sc.Text()
		lineNo++
		switch {
		case !inCode && strings.TrimSpace(line) == "```go":
			flushMD()
			inCode, openedAt = true, lineNo
		case inCode && strings.TrimSpace(line) == "```":
			s := strings.TrimRight(code.String(), "\n")
			code.Reset()
			inCode = false
			nb.Cells = append(nb.Cells, Cell{CellType: "code", Metadata: map[string]any{}, Source: Lines(s), Outputs: []Output{}})
		case inCode:
			code.WriteString(line + "\n")
		case strings.TrimSpace(line) == "+++":
			flushMD()
		default:
			md.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if inCode {
		return nil, fmt.Errorf("%s: code block opened at line %d is never closed", name, openedAt)
	}
	flushMD()
	for i := range nb.Cells {
		h := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", name, i)))
		nb.Cells[i].ID = hex.EncodeToString(h[:4])
	}
	return nb, nil
}
