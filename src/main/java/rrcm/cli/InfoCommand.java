package rrcm.cli;

import java.io.PrintWriter;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine;
import rrcm.device.KernelIndex;
import picocli.CommandLine.Command;
import rrcm.backend.BackendStatus;
import rrcm.backend.Backends;
import rrcm.backend.cpu.CpuTuning;

/** Prints what this machine offers the engine: Java, vector width, threads, and every backend's status. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the Java runtime, Vector API width, the CPU kernels chosen for this machine, CPU threads "
                + "and the status of each backend.")
final class InfoCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("rrcm-engine %s%n", Version.engine());
        out.printf("java        %s (%s, %s)%n", Runtime.version(), System.getProperty("java.vm.name"),
                System.getProperty("java.vendor"));
        out.printf("vector api  %d-bit preferred species, %d float lanes%n",
                FloatVector.SPECIES_PREFERRED.vectorBitSize(), FloatVector.SPECIES_PREFERRED.length());
        out.printf("cpu model   %s%n", CpuTuning.cpuModel());
        out.println("cpu kernels (chosen for this machine at start-up)");
        for (String line : CpuTuning.describe()) out.printf("  %s%n", line);
        out.printf("cpu threads %d used of %d available%n", Backends.cpuThreads(),
                Runtime.getRuntime().availableProcessors());
        KernelIndex kernels = KernelIndex.load();
        out.printf("gpu kernels %d, PTX ISA %s (written by nvcc %s): a driver for CUDA %s or newer loads them%n",
                kernels.kernels().size(), kernels.isa(), kernels.cudaVersion(), kernels.requiredCuda());
        out.println("backends");
        List<BackendStatus> all = Backends.probeAll();
        int width = all.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (BackendStatus s : all) {
            out.printf("  %-" + width + "s  %s%n", s.name(), s.available() ? "available: " + s.detail()
                    : "not available: " + s.detail());
        }
        out.printf("default     %s%n", Backends.defaultBackend().name());
        out.flush();
    }
}
