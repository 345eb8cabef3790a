package sr

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"math"
	"testing"
	"time"
)

// The counts below were computed by hand from the architecture (see
// EDSRParams) and are pinned against the variables of the built graphs.
func TestParamTable(t *testing.T) {
	start := time.Now()
	rows, err := ParamTable()
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("ParamTable built %d graphs in %v\n%s", len(rows)+2, elapsed, FormatParamTable(rows))
	if elapsed > 10*time.Second {
		t.Errorf("building the graphs took %v, want a few seconds at most", elapsed)
	}
	want := map[string]int{
		// 7168 + 32·1180160 + 590080 + 2360320 + 6915
		"EDSR x2": 40729603,
		"EDSR x3": 43680003,
		"EDSR x4": 43089923,
		// 1792 + 16·73856 + 36928 + 147712 + 1731
		"EDSR baseline x2": 1369859,
		"EDSR baseline x3": 1554499,
		"EDSR baseline x4": 1517571,
		// 1792 + 3·409856 + 80·73856 + 36928 + (147712 + 332352 + 295424) + 1731
		"MDSR x2+x3+x4": 7953987,
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for _, r := range rows {
		w, ok := want[r.Model]
		if !ok {
			t.Errorf("unexpected row %q", r.Model)
			continue
		}
		if r.Ours != w || r.Formula != w {
			t.Errorf("%s: built graph %d, formula %d, want %d", r.Model, r.Ours, r.Formula, w)
		}
		if r.Published > 0 && math.Abs(r.RelDiff()) > 0.01 {
			t.Errorf("%s: %d is %.2f%% away from the released %.3g", r.Model, r.Ours, 100*r.RelDiff(), r.Published)
		}
		// The lecture's figures are rounded to two significant digits.
		if r.Lecture > 0 && math.Abs(float64(r.Ours)-r.Lecture) > 0.5e6 {
			t.Errorf("%s: %d does not round to the lecture's %.0fM", r.Model, r.Ours, r.Lecture/1e6)
		}
	}
}

func TestCountParamsVariables(t *testing.T) {
	// EDSR baseline: head, 16 blocks x 2 convs, body conv, 1 upsampler conv (x2), tail: 36 convs, 2 variables each.
	_, nv, err := CountParams(func(scope *model.Scope, x *Node) *Node { return EDSR(scope, x, EDSRBaseline(2)) }, 1, 8, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	if nv != 2*36 {
		t.Errorf("%d variables, want 72", nv)
	}
	if _, _, err := CountParams(func(scope *model.Scope, x *Node) *Node { return EDSR(scope, x, EDSRBaseline(5)) }, 1, 8, 8, 3); err == nil {
		t.Error("scale 5 accepted")
	}
	if _, _, err := CountParams(func(scope *model.Scope, x *Node) *Node { return EDSR(scope, x, EDSRBaseline(2)) }, 1, 8, 8, 1); err == nil {
		t.Error("gray input accepted")
	}
}
