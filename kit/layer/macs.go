package layer

import (
	"sync"

	. "github.com/gomlx/gomlx/core/graph"
)

// macCounts maps a *Graph to the multiply-accumulates recorded on it.
var macCounts sync.Map // *Graph -> int64 (guarded by macMu)

var macMu sync.Mutex

// recordMACs adds n multiply-accumulates to g's count (see [MACs]).
func recordMACs(g *Graph, n int) {
	macMu.Lock()
	defer macMu.Unlock()
	v, _ := macCounts.Load(g)
	c, _ := v.(int64)
	macCounts.Store(g, c+int64(n))
}

// MACs returns the multiply-accumulates of the layers this package built
// on g so far, counted analytically from their shapes (not from the ops
// that implement them):
//
//	Conv2D:          B·Ho·Wo·kh·kw·Cin·Cout (output positions)
//	ConvTranspose2D: B·H·W·kh·kw·Cin·Cout (input positions)
//	Dense:           rows·in·out
//
// A training step costs about 3x the forward MACs (the backward pass has
// one product for the input gradient and one for the weights); each MAC is
// 2 FLOPs. Gradients built by autodiff are not recorded. The count lives as
// long as the process; call [ForgetMACs] when the graph is discarded.
func MACs(g *Graph) int64 {
	v, _ := macCounts.Load(g)
	c, _ := v.(int64)
	return c
}

// ForgetMACs drops g's count.
func ForgetMACs(g *Graph) { macCounts.Delete(g) }
