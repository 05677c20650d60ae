# gnuplot script for tools/run-benchmark: four panels of clustered bars
# (scenarios x producers) from chart.tsv: medians over the runs. Call with -e "tsv='...'; png='...'".
set terminal pngcairo size 1500,1000 font "sans,10"
set output png
set datafile separator "\t"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key below horizontal font "sans,9"
set xtics rotate by -15 font "sans,9"
titles = "plugin-dmabuf plugin-mmap plugin-dmabuf-import plugin-userptr stock-api.v4l2 raw-V4L2"
colors = "#1f77b4 #6baed6 #2ca02c #98df8a #d62728 #7f7f7f"
set multiplot layout 2,2 title "V4L2 capture benchmark, medians of interleaved runs (vivid in qemu TCG: compare ratios within a panel, not absolute values)"
set title "frames delivered / captured (sequence span), %"
set yrange [80:101]
plot for [i=0:5] tsv skip 1 using (column(2+i)):xtic(1) title word(titles, i+1) lc rgb word(colors, i+1)
set title "daemon (pipewire) CPU per frame while streaming, ms, median of the runs (no daemon for raw)"
set yrange [0:*]
plot for [i=0:4] tsv skip 1 using (column(8+i)):xtic(1) title word(titles, i+1) lc rgb word(colors, i+1)
set title "consumer CPU per frame, ms"
plot for [i=0:5] tsv skip 1 using (column(14+i)):xtic(1) title word(titles, i+1) lc rgb word(colors, i+1)
set title "latency p99, ms: arrival - V4L2 timestamp (vivid stamps ahead: can be negative)"
set yrange [*:*]
plot for [i=0:5] tsv skip 1 using (column(26+i)):xtic(1) title word(titles, i+1) lc rgb word(colors, i+1)
unset multiplot
