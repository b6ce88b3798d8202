# Planning time against cluster size (bench/compare_pacemaker/compare.py --plot).
# gnuplot -e "datafile='plan.dat'; outfile='planning.png'" plot.gp
set terminal pngcairo size 900,560 font ",11"
set output outfile
set title "One node red under migrate-on-red: planning time (median, 2-core machine)"
set xlabel "resources (VMs) — nodes: 4, 8, 16, 32, 32, 100, 100"
set ylabel "time (ms)"
set logscale xy
set format y "10^{%L}"
set grid
set key top left
set datafile missing "NaN"
plot datafile using 2:3 with linespoints lw 2 pt 7 title "Pacemaker 2.1.5 scheduler (crm\\_simulate --profile)", \
     datafile using 2:4 with linespoints lw 2 pt 5 title "wholesale\\_ha: plan()", \
     datafile using 2:5 with linespoints lw 1 pt 4 dt 2 title "wholesale\\_ha: JSON load + plan", \
     datafile using 2:6 with linespoints lw 1 pt 6 dt 3 title "wholesale\\_ha: CIB import + plan"
