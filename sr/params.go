// Parameter counts of EDSR and MDSR, from the built graphs, beside the
// numbers the lecture and the authors publish.

package sr

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// ParamRow is one model of [ParamTable].
type ParamRow struct {
	Model  string // e.g. "EDSR x2"
	Config string // e.g. "B=32 F=256"
	// Ours is the number of parameters of the graph built by this package
	// (the variables of its model.Store, see [CountParams]).
	Ours int
	// Formula is the same count from the closed form of [EDSRParams] /
	// [MDSRParams].
	Formula int
	// Published is the authors' released model size (EDSR-PyTorch README),
	// in parameters (40.7M -> 40.7e6); 0 if none.
	Published float64
	// PublishedLabel is Published as the authors print it, e.g. "8.0M".
	PublishedLabel string
	// Lecture is the figure in the lecture's table (from the paper's
	// Table 1: EDSR 43M, MDSR 8M), 0 if none.
	Lecture float64
}

// RelDiff is (Ours - Published)/Published, NaN without a published size.
func (r ParamRow) RelDiff() float64 {
	if r.Published == 0 {
		return math.NaN()
	}
	return (float64(r.Ours) - r.Published) / r.Published
}

// convParams is the number of parameters of a k x k convolution in -> out with bias.
func convParams(in, out, k int) int { return k*k*in*out + out }

// upsamplerParams is the count of [Upsampler] for scale r with F channels.
func upsamplerParams(f, r int) int {
	if r == 3 {
		return convParams(f, 9*f, 3)
	}
	n := 0
	for ; r > 1; r /= 2 {
		n += convParams(f, 4*f, 3)
	}
	return n
}

// EDSRParams is the closed form of EDSR's parameter count:
//
//	head 3·F·9 + F, B blocks of 2(9F² + F), body conv 9F² + F,
//	upsampler (x2: 9F·4F + 4F; x3: 9F·9F + 9F; x4: twice x2), tail 9F·3 + 3.
//
// MeanShift has no trainable parameters (PyTorch lists 24 frozen ones,
// see [MeanShift]).
func EDSRParams(c EDSRConfig) int {
	f := c.Feats
	return convParams(3, f, 3) + c.Blocks*2*convParams(f, f, 3) + convParams(f, f, 3) +
		upsamplerParams(f, c.Scale) + convParams(f, 3, 3)
}

// MDSRParams is the closed form of MDSR's parameter count: head, per scale
// two 5x5 residual blocks (2·2(25F² + F)) and an upsampler, the shared body
// B·2(9F² + F) + 9F² + F, and the tail 9F·3 + 3.
func MDSRParams(c MDSRConfig) int {
	f := c.Feats
	n := convParams(3, f, 3) + c.Blocks*2*convParams(f, f, 3) + convParams(f, f, 3) + convParams(f, 3, 3)
	for _, s := range c.Scales {
		n += 2*2*convParams(f, f, 5) + upsamplerParams(f, s)
	}
	return n
}

// CountEDSR counts the parameters of [EDSR] built on a 1x8x8x3 input.
func CountEDSR(c EDSRConfig) (int, error) {
	n, _, err := CountParams(func(scope *model.Scope, x *Node) *Node { return EDSR(scope, x, c) }, 1, 8, 8, 3)
	return n, err
}

// CountMDSR counts the parameters of [MDSR] with the branches of all of
// c.Scales built (on a 1x8x8x3 input) into one store.
func CountMDSR(c MDSRConfig) (int, error) {
	n, _, err := CountParams(func(scope *model.Scope, x *Node) *Node {
		var out *Node
		for _, s := range c.Scales {
			out = MDSR(scope, x, c, s)
		}
		return out
	}, 1, 8, 8, 3)
	return n, err
}

// ParamTable builds EDSR (paper: B=32, F=256, x2/x3/x4), EDSR baseline
// (B=16, F=64, x2/x3/x4) and MDSR (B=80, F=64, x2+x3+x4), counts their
// variables, and lists them beside the lecture's table and the authors'
// released model sizes. Building a graph without running it takes
// milliseconds per model.
func ParamTable() ([]ParamRow, error) {
	var rows []ParamRow
	published := map[string]string{
		"EDSR x2": "40.7M", "EDSR x3": "43.7M", "EDSR x4": "43.1M",
		"EDSR baseline x2": "1.37M", "EDSR baseline x4": "1.52M",
	}
	for _, base := range []struct {
		name string
		cfg  func(int) EDSRConfig
	}{{"EDSR", EDSRPaper}, {"EDSR baseline", EDSRBaseline}} {
		for _, s := range []int{2, 3, 4} {
			c := base.cfg(s)
			n, err := CountEDSR(c)
			if err != nil {
				return nil, err
			}
			name := fmt.Sprintf("%s x%d", base.name, s)
			row := ParamRow{Model: name, Config: fmt.Sprintf("B=%d F=%d res_scale=%g", c.Blocks, c.Feats, c.ResScale),
				Ours: n, Formula: EDSRParams(c), PublishedLabel: published[name]}
			if l := row.PublishedLabel; l != "" {
				v, err := strconv.ParseFloat(strings.TrimSuffix(l, "M"), 64)
				if err != nil {
					return nil, err
				}
				row.Published = v * 1e6
			}
			if name == "EDSR x4" {
				row.Lecture = 43e6
			}
			rows = append(rows, row)
		}
	}
	m := MDSRPaper()
	n, err := CountMDSR(m)
	if err != nil {
		return nil, err
	}
	rows = append(rows, ParamRow{Model: "MDSR x2+x3+x4", Config: fmt.Sprintf("B=%d F=%d", m.Blocks, m.Feats),
		Ours: n, Formula: MDSRParams(m), Published: 8.0e6, PublishedLabel: "8.0M", Lecture: 8e6})
	return rows, nil
}

// FormatParamTable renders rows as a Markdown table (millions, 3
// decimals; published sizes as the authors round them).
func FormatParamTable(rows []ParamRow) string {
	var sb strings.Builder
	sb.WriteString("| model | config | ours (built graph) | lecture | authors' release | ours vs release |\n")
	sb.WriteString("|---|---|---:|---:|---:|---:|\n")
	for _, r := range rows {
		lec, pub, rel := "", "", ""
		if r.Lecture > 0 {
			lec = fmt.Sprintf("%.0fM", r.Lecture/1e6)
		}
		if r.Published > 0 {
			pub = r.PublishedLabel
			rel = fmt.Sprintf("%+.2f%%", 100*r.RelDiff())
		}
		fmt.Fprintf(&sb, "| %s | %s | %d (%.3fM) | %s | %s | %s |\n", r.Model, r.Config, r.Ours, float64(r.Ours)/1e6, lec, pub, rel)
	}
	return sb.String()
}
