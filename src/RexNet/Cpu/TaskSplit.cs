namespace RexNet.Cpu;

/// <summary>
/// How a fused step is cut into tasks for the worker pool. Results never depend on the cut (every output
/// element is computed the same way whichever task computes it), so this only trades balance against
/// per-task overhead and recomputed halo rows.
/// </summary>
internal static class TaskSplit
{
    /// <summary>Tasks we aim for per worker, so that dynamic scheduling evens out unequal tasks.</summary>
    public const int TasksPerWorker = 3;

    /// <summary>The most floats of expanded rows an expand + depthwise task computes in one go (256 KiB, a quarter of a Zen 4/5 L2).</summary>
    public const int PlaneFloats = 64 * 1024;

    /// <summary>Rows of expanded input an expand + depthwise task keeps: all it needs when they fit, else a ring of three.</summary>
    public static int RowsKept(int inH, int inW, int outH, int stride, int bands, int groupFloats)
    {
        int rowsPerBand = (outH + bands - 1) / bands;
        int needed = Math.Min(inH, (rowsPerBand - 1) * stride + 3);
        return needed * inW * groupFloats <= PlaneFloats ? needed : 3;
    }

    /// <summary>
    /// Whole images per expand + depthwise task: as many as fit in <see cref="PlaneFloats"/> together, while
    /// there are still <see cref="TasksPerWorker"/> tasks per worker. A task streams its group's expansion
    /// weights once for all its images, which at 7x7 is most of what a task costs.
    /// </summary>
    public static int ImagesPerTask(int batch, int inH, int inW, int outH, int stride, int bands, int groupFloats, int groups, int workers)
    {
        if (bands > 1 || RowsKept(inH, inW, outH, stride, bands, groupFloats) < inH)
        {
            return 1;
        }
        int images = Math.Clamp(PlaneFloats / (inH * inW * groupFloats), 1, batch);
        while (images > 1 && groups * ((batch + images - 1) / images) < TasksPerWorker * workers)
        {
            images--;
        }
        return images;
    }

    /// <summary>Cost of dispatching one task, in the multiply-adds of the cost models below.</summary>
    private const double TaskOverhead = 20_000;

    /// <summary>
    /// Channel groups (of GroupVectors vectors) and row bands for an expand + depthwise step: each band
    /// recomputes the expanded rows its edge needs, so bands cost extra, and groups of one vector run the GEMM in
    /// its narrowest tile. With the projection fused in (<paramref name="projectK"/> > 0, its output vectors
    /// <paramref name="projectVectors"/>) the group is every channel. Picks the cut whose simulated schedule on
    /// the workers ends first.
    /// </summary>
    public static (int GroupVectors, int Bands) ExpandDepthwise(int batch, int vectors, int panelVectors, int inH, int inW, int outH, int outW,
        int stride, int expandK, int workers, int projectK = 0, int projectVectors = 0)
    {
        (int, int) best = (Math.Min(panelVectors, vectors), 1);
        double bestTime = double.MaxValue;
        for (int g = projectK > 0 ? vectors : panelVectors; g >= 1; g--)
        {
            if (projectK > 0 ? g != vectors : panelVectors % g != 0 || (g < panelVectors && g >= vectors))
            {
                continue;
            }
            for (int bands = 1; bands <= outH; bands++)
            {
                int groups = (vectors + g - 1) / g;
                if (batch * groups * bands > 8 * TasksPerWorker * workers)
                {
                    break;
                }
                int rowsPerBand = (outH + bands - 1) / bands;
                var costs = new List<double>();
                for (int n = 0; n < batch; n++)
                {
                    for (int group = 0; group < groups; group++)
                    {
                        int gv = Math.Min(g, vectors - group * g);
                        for (int b = 0; b < bands; b++)
                        {
                            int oy0 = b * rowsPerBand, oy1 = Math.Min(outH, oy0 + rowsPerBand);
                            if (oy0 >= oy1)
                            {
                                continue;
                            }
                            int iy0 = Math.Max(0, oy0 * stride - 1), iy1 = Math.Min(inH, (oy1 - 1) * stride + 2);
                            double expand = expandK > 0 ? (iy1 - iy0) * (double)inW * expandK * (g == 1 && panelVectors > 1 ? 1.1 : 1.0) : 0;
                            double project = (oy1 - oy0) * (double)outW * projectK * projectVectors;
                            costs.Add(TaskOverhead + gv * (expand + (oy1 - oy0) * (double)outW * 9) + project);
                        }
                    }
                }
                double time = Makespan(costs, workers);
                if (time < bestTime * 0.995)
                {
                    bestTime = time;
                    best = (g, bands);
                }
            }
        }
        return best;
    }

    /// <summary>
    /// The pixel range of each task of a 1x1 conv over a batch's <paramref name="pixels"/>, in whole register
    /// tiles. Every range streams all the weights: while they fit in a quarter of L2 they stay there from one
    /// range to the next and there are <see cref="TasksPerWorker"/> ranges per worker, so that a worker
    /// slowed by the machine's load is made up for; beyond that (up to 7.5 MB for a projection of rexnet_300)
    /// there is one range per worker.
    /// </summary>
    public static int PixelRange(int pixels, int tileRows, int workers, long weightBytes)
    {
        int ranges = weightBytes <= 256 * 1024 ? TasksPerWorker * workers : workers;
        // Rounded down to whole tiles: what is left over becomes a small last task, not an oversized range.
        int range = (pixels + ranges - 1) / ranges;
        return range >= pixels ? pixels : Math.Max(tileRows, range / tileRows * tileRows);
    }

    /// <summary>Row bands per image for a step whose rows all cost the same.</summary>
    public static int Bands(int batch, int rows, int workers) =>
        Math.Clamp((TasksPerWorker * workers + batch - 1) / batch, 1, rows);

    /// <summary>When the last worker finishes if each takes the next task as soon as it is free (the pool's policy).</summary>
    private static double Makespan(List<double> costs, int workers)
    {
        var free = new double[workers];
        foreach (double c in costs)
        {
            int w = Array.IndexOf(free, free.Min());
            free[w] += c;
        }
        return free.Max();
    }
}
