# gnuplot: bar chart of the ratios in results.md.csv (one bar per measurement)
set terminal pngcairo size 1100,700 font "sans,9"
set datafile separator ","
set style fill solid 0.8
set boxwidth 0.7
set xtics rotate by -35 left
set ylabel "ratio to the bare baseline of the same run (log scale)"
set logscale y
set yrange [0.1:100]
set title "dualpipe benchmark (bench/bench.c): medians, ratios to baseline"
set grid ytics
set key off
set bmargin 14
plot ARG1 every ::1 using 0:3:xtic(stringcolumn(1)[1:60]) with boxes lc rgb "#3070b0"
