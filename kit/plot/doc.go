// Package plot draws the lecture's figures in GoNB notebooks and files:
// static gonum/plot figures (SVG or PNG), interactive go-echarts charts that
// work offline, and a live training-progress display.
//
// Import it next to gonum's plot package with an alias, e.g.
//
//	import (
//		"gonum.org/v1/plot"
//		kplot "github.com/dlc-go/denoising/kit/plot"
//	)
//
// # Static figures (gonum/plot)
//
// Builders return a *plot.Plot that can still be adjusted, then [Show]
// displays it inline (SVG) in the notebook, and [Save] writes it to a file
// (format from the extension). Outside a notebook [Show] prints a note.
//
//	clean, _ := kplot.Points("clean x", xClean)        // xClean: [N, 2] float32
//	noisy, _ := kplot.Points("corrupted x~", xNoisy)   // xNoisy: [N, 2]
//	p, _ := kplot.Scatter("Two moons", clean, noisy)
//	q, _ := kplot.Displacement(xNoisy, xRecon)         // arrows x~ -> phi(x~)
//	p.Add(q)
//	kplot.Show(p, 0, 0)                                // default 6x4 inches
//
//	p, _ = kplot.Lines("Training loss", kplot.Curve("loss", losses))
//	kplot.SetLogY(p)
//	p.X.Label.Text, p.Y.Label.Text = "step", "MSE"
//	kplot.Save(p, "loss.svg")
//
//	p, _ = kplot.HeatMap("W[:, 0]", w0, 28, 28, kplot.HeatOptions{Signed: true, Image: true})
//	p, _ = kplot.Histogram("hidden activations", 50, true, kplot.HistOf("h", h))
//
// [Quiver] is a plot.Plotter of arrows in data coordinates (gonum's
// plotter.Field rescales arrows to the grid cell); [GridPoints] makes the
// grid of points x~ whose displacement field a model is asked for.
//
// # Interactive charts (go-echarts), offline
//
// go-echarts loads echarts.js from a CDN; [ShowChart] instead embeds
// echarts.min.js (echarts 5.x, placed by `make setup` under
// .cache/echarts/ of the repository) in the page, wrapped so that
// require.js does not capture it, and by default only in the first chart of
// a kernel session (see [Embed]).
//
//	line := charts.NewLine()
//	line.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "PSNR"}))
//	line.SetXAxis(steps).AddSeries("val", psnrItems)
//	if err := kplot.ShowChart(line); err != nil { panic(err) }
//
// # Training progress
//
//	disp := kplot.NewProgress("dae/gaussian-0.3")
//	for step := 1; step <= steps; step++ {
//		loss := trainStep()
//		disp.Update(train.Progress{Step: step, Steps: steps, Loss: loss,
//			Elapsed: time.Since(start), ETA: eta, Done: step == steps})
//	}
//
// In a notebook the display is one block redrawn in place (at most every
// 0.5 s); in a terminal a line is printed every 10 s.
package plot
