// Package nbrun generates, executes, checks and renders the project's Jupyter
// notebooks (GoNB kernel).
//
//   - Notebooks are written as Markdown with ```go fenced code cells under
//     notebooks/src/ and generated into notebooks/*.ipynb ([FromMarkdown]), so
//     that they diff and review like code; a test keeps the two in sync.
//   - [Execute] runs one notebook headless with Debian's jupyter-nbconvert and
//     a per-cell timeout, and [Problems] finds every error in the executed
//     notebook (error outputs, Go panics, failed cells).
//   - [RenderBook] turns executed notebooks into one self-contained HTML
//     folder: an index page, Go highlighting, maths rendered by a local MathJax.
package nbrun

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Notebook is the subset of nbformat 4 that this package reads and writes.
// Unknown fields of cells and metadata are kept as raw JSON.
type Notebook struct {
	Cells         []Cell         `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	NBFormat      int            `json:"nbformat"`
	NBFormatMinor int            `json:"nbformat_minor"`
}

// Cell is one notebook cell.
type Cell struct {
	ID             string         `json:"id,omitempty"`
	CellType       string         `json:"cell_type"`
	Metadata       map[string]any `json:"metadata"`
	Source         Lines          `json:"source"`
	Outputs        []Output       `json:"outputs,omitempty"`
	ExecutionCount *int           `json:"execution_count,omitempty"`
}

// MarshalJSON writes the fields nbformat 4.5 requires for the cell's type:
// code cells always carry outputs and execution_count (null when not run),
// other cells carry neither.
func (c Cell) MarshalJSON() ([]byte, error) {
	m := map[string]any{"cell_type": c.CellType, "metadata": c.Metadata, "source": c.Source}
	if c.Metadata == nil {
		m["metadata"] = map[string]any{}
	}
	if c.ID != "" {
		m["id"] = c.ID
	}
	if c.CellType == "code" {
		outs := c.Outputs
		if outs == nil {
			outs = []Output{}
		}
		m["outputs"] = outs
		m["execution_count"] = c.ExecutionCount
	}
	return json.Marshal(m)
}

// Output is one output of a code cell.
type Output struct {
	OutputType string         `json:"output_type"`
	Name       string         `json:"name,omitempty"` // stream name: stdout or stderr
	Text       Lines          `json:"text,omitempty"`
	Data       map[string]any `json:"data,omitempty"`
	Metadata   map[string]any `json:"metadata,omitempty"`
	EName      string         `json:"ename,omitempty"`
	EValue     string         `json:"evalue,omitempty"`
	Traceback  []string       `json:"traceback,omitempty"`
	ExecCount  *int           `json:"execution_count,omitempty"`
}

// Lines is nbformat's multi-line string: either one string or a list of
// lines; it is always written as a list of lines.
type Lines string

// UnmarshalJSON accepts a string or a list of strings.
func (l *Lines) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = Lines(s)
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return fmt.Errorf("notebook text is neither a string nor a list of strings: %w", err)
	}
	*l = Lines(strings.Join(ss, ""))
	return nil
}

// MarshalJSON writes the text as a list of lines, each but the last ending in "\n".
func (l Lines) MarshalJSON() ([]byte, error) {
	s := string(l)
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return json.Marshal(lines)
}

// Read parses a notebook file.
func Read(path string) (*Notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse parses notebook JSON.
func Parse(b []byte) (*Notebook, error) {
	var nb Notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, fmt.Errorf("not a notebook: %w", err)
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("not an nbformat 4 notebook (nbformat=%d)", nb.NBFormat)
	}
	return &nb, nil
}

// Marshal returns the notebook as indented JSON with a final newline, the form
// Jupyter itself writes.
func (nb *Notebook) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Title is the text of the notebook's first level-1 heading, or "".
func (nb *Notebook) Title() string {
	for _, c := range nb.Cells {
		if c.CellType != "markdown" {
			continue
		}
		for _, line := range strings.Split(string(c.Source), "\n") {
			if t, ok := strings.CutPrefix(line, "# "); ok {
				return strings.TrimSpace(t)
			}
		}
	}
	return ""
}

// Summary is the one-line summary stored in the notebook's metadata
// ("denoising" -> "summary"), or "".
func (nb *Notebook) Summary() string {
	if m, ok := nb.Metadata["denoising"].(map[string]any); ok {
		if s, ok := m["summary"].(string); ok {
			return s
		}
	}
	return ""
}

// Problems lists what went wrong in an executed notebook: error outputs,
// tracebacks, Go panics written to stderr, and GoNB's compile errors. An empty
// list means the notebook ran clean.
func Problems(nb *Notebook) []string {
	var probs []string
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		where := fmt.Sprintf("cell %d", i+1)
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "error":
				probs = append(probs, fmt.Sprintf("%s: %s: %s", where, o.EName, firstLine(o.EValue)))
			case "stream":
				if o.Name == "stderr" {
					for _, marker := range []string{"panic:", "fatal error:", "ERROR:", "exit status"} {
						if strings.Contains(string(o.Text), marker) {
							probs = append(probs, fmt.Sprintf("%s: stderr: %s", where, firstLineWith(string(o.Text), marker)))
							break
						}
					}
				}
			case "display_data", "execute_result":
				if h, ok := o.Data["text/html"]; ok {
					s := htmlText(h)
					if strings.Contains(s, "gonb-err") || strings.Contains(s, "panic:") {
						probs = append(probs, fmt.Sprintf("%s: error shown as HTML: %s", where, firstLine(stripTags(s))))
					}
				}
			}
		}
	}
	return probs
}

func htmlText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		var sb strings.Builder
		for _, x := range t {
			if s, ok := x.(string); ok {
				sb.WriteString(s)
			}
		}
		return sb.String()
	}
	return ""
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

func firstLineWith(s, marker string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, marker) {
			return firstLine(line)
		}
	}
	return firstLine(s)
}

func stripTags(s string) string {
	var sb strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			sb.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}
