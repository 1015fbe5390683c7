package rrcm.device.emulator;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import rrcm.device.Device;
import rrcm.device.DeviceBuffer;
import rrcm.device.DeviceEvent;
import rrcm.device.DeviceException;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;
import rrcm.device.KernelIndex;
import rrcm.device.LaunchLimits;

/**
 * The host emulator as a {@link Device}: kernels/*.cu compiled for the CPU (tools/build-emulator) and
 * called through FFM. A launch runs to completion before it returns, with the checks of
 * kernels/emu/runtime.cpp: shared memory poisoned with NaN before each block, guard zones around every
 * buffer verified after each launch (a write outside a buffer fails the launch, naming the kernel,
 * the buffer and the argument that points at it), argument kinds checked against the kernel's
 * parameters, divergent barriers and collectives refused. The {@link Schedule} sets the order in which
 * blocks and threads run, so a missing barrier shows as a result that changes with the order.
 *
 * <p>A production kernel must also be in the PTX index (kernels/ptx/index.txt), as the GPU executor
 * needs it there: a kernel added to a .cu without rebuilding the PTX fails here too. And every launch
 * keeps a GPU's limits ({@link LaunchLimits}): the block and grid sizes, and the kernel's static shared
 * memory (from the index) plus the launch's dynamic shared memory within what a block may opt in to.
 */
public final class EmulatorDevice implements Device {
    /** The order in which blocks, and the threads of a block between barriers, run. */
    public enum Order { FORWARD, REVERSE, SHUFFLED }

    /** A schedule; the seed matters for SHUFFLED only. */
    public record Schedule(Order order, long seed) {
        public static Schedule forward() {
            return new Schedule(Order.FORWARD, 0);
        }

        public static Schedule reverse() {
            return new Schedule(Order.REVERSE, 0);
        }

        public static Schedule shuffled(long seed) {
            return new Schedule(Order.SHUFFLED, seed);
        }

        @Override
        public String toString() {
            return order == Order.SHUFFLED ? "shuffled (seed " + seed + ")" : order.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The library a build's tests use: -Drrcm.emulator.lib, else target/emu/libkernels-emu.so. */
    public static Path defaultLibrary() {
        String p = System.getProperty("rrcm.emulator.lib");
        return Path.of(p != null && !p.isBlank() ? p : "target/emu/libkernels-emu.so");
    }

    /** Null when the default library exists, else why the emulator cannot run (one sentence). */
    public static String unavailableReason() {
        Path p = defaultLibrary().toAbsolutePath().normalize();
        return Files.isRegularFile(p) ? null
                : "the kernel emulator library " + p + " is not built (tools/build-emulator or tools/test build it; "
                        + "it is for tests)";
    }

    private final EmulatorLibrary lib;
    private final KernelIndex index;
    private final Map<String, EmulatorLibrary.Kernel> kernels = new HashMap<>();
    private final Map<Long, Buffer> buffers = new HashMap<>();
    private Schedule schedule = Schedule.forward();
    private boolean closed;

    private EmulatorDevice(EmulatorLibrary lib, KernelIndex index) {
        this.lib = lib;
        this.index = index;
        for (EmulatorLibrary.Kernel k : lib.kernels) kernels.put(k.name(), k);
    }

    public static EmulatorDevice open(Path library) {
        return new EmulatorDevice(EmulatorLibrary.load(library), KernelIndex.load());
    }

    public static EmulatorDevice openDefault() {
        return open(defaultLibrary());
    }

    /** Sets the schedule of the following launches. */
    public synchronized EmulatorDevice schedule(Schedule s) {
        this.schedule = s;
        return this;
    }

    public synchronized Schedule schedule() {
        return schedule;
    }

    /** The kernels compiled into the library, test-only ones included. */
    public List<String> kernelNames(boolean includeTestOnly) {
        List<String> names = new ArrayList<>();
        for (EmulatorLibrary.Kernel k : lib.kernels) if (includeTestOnly || !k.testOnly()) names.add(k.name());
        return names;
    }

    /** Bytes in buffers allocated and not freed, as the library counts them. */
    public long liveBytes() {
        return lib.liveBytes();
    }

    @Override
    public String name() {
        return "emulator";
    }

    @Override
    public String describe() {
        return "host emulator of the CUDA kernels (" + kernelNames(false).size() + " kernels, " + lib.path.getFileName()
                + "), " + schedule + " schedule";
    }

    @Override
    public int multiprocessors() {
        return 4; // small, so that grid-stride loops take more than one turn in tests
    }

    // ---- memory ----------------------------------------------------------------------------------------

    private static final class Buffer implements DeviceBuffer {
        final EmulatorDevice device;
        final long address;
        final long bytes;
        final String label;
        boolean freed;

        Buffer(EmulatorDevice device, long address, long bytes, String label) {
            this.device = device;
            this.address = address;
            this.bytes = bytes;
            this.label = label;
        }

        @Override
        public Device device() {
            return device;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public boolean freed() {
            return freed;
        }

        @Override
        public String toString() {
            return "'" + label + "' (" + bytes + " bytes)";
        }
    }

    private Buffer own(DeviceBuffer b, String op) {
        if (!(b instanceof Buffer e) || e.device != this) {
            throw new DeviceException(op + ": buffer " + (b == null ? "null" : "'" + b.label() + "'") + " does not belong to this emulator");
        }
        if (e.freed) throw new DeviceException(op + ": buffer '" + e.label + "' was already freed");
        return e;
    }

    private void open() {
        if (closed) throw new DeviceException("the emulator device is closed");
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes, String label) {
        open();
        if (bytes < 0) throw new DeviceException("allocate: negative size " + bytes + " for '" + label + "'");
        long address = lib.malloc(bytes);
        if (address == 0) throw new DeviceException("allocate: out of host memory for " + bytes + " bytes ('" + label + "')");
        Buffer b = new Buffer(this, address, bytes, label);
        buffers.put(address, b);
        return b;
    }

    @Override
    public synchronized void free(DeviceBuffer buffer) {
        Buffer b = own(buffer, "free");
        if (lib.free(b.address) != 0) throw new DeviceException("free: the emulator does not know buffer '" + b.label + "'");
        buffers.remove(b.address);
        b.freed = true;
    }

    private static MemorySegment segment(Buffer b, long offset, long bytes) {
        return MemorySegment.ofAddress(b.address + offset).reinterpret(bytes);
    }

    @Override
    public synchronized void copyFromHost(float[] src, int srcIndex, DeviceBuffer dst, long dstOffset, int count) {
        Buffer d = own(dst, "copy to device");
        DeviceBuffer.checkRange(d, dstOffset, 4L * count, "copy to device");
        MemorySegment.copy(src, srcIndex, segment(d, dstOffset, 4L * count), JAVA_FLOAT, 0, count);
    }

    @Override
    public synchronized void copyFromHost(int[] src, int srcIndex, DeviceBuffer dst, long dstOffset, int count) {
        Buffer d = own(dst, "copy to device");
        DeviceBuffer.checkRange(d, dstOffset, 4L * count, "copy to device");
        MemorySegment.copy(src, srcIndex, segment(d, dstOffset, 4L * count), JAVA_INT, 0, count);
    }

    @Override
    public synchronized void copyToHost(DeviceBuffer src, long srcOffset, float[] dst, int dstIndex, int count) {
        Buffer s = own(src, "copy to host");
        DeviceBuffer.checkRange(s, srcOffset, 4L * count, "copy to host");
        MemorySegment.copy(segment(s, srcOffset, 4L * count), JAVA_FLOAT, 0, dst, dstIndex, count);
    }

    @Override
    public synchronized void copyToHost(DeviceBuffer src, long srcOffset, int[] dst, int dstIndex, int count) {
        Buffer s = own(src, "copy to host");
        DeviceBuffer.checkRange(s, srcOffset, 4L * count, "copy to host");
        MemorySegment.copy(segment(s, srcOffset, 4L * count), JAVA_INT, 0, dst, dstIndex, count);
    }

    @Override
    public synchronized void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long bytes) {
        Buffer s = own(src, "device copy"), d = own(dst, "device copy");
        DeviceBuffer.checkRange(s, srcOffset, bytes, "device copy");
        DeviceBuffer.checkRange(d, dstOffset, bytes, "device copy");
        MemorySegment.copy(segment(s, srcOffset, bytes), 0, segment(d, dstOffset, bytes), 0, bytes);
    }

    // ---- launches ---------------------------------------------------------------------------------------------

    private static final int PTR = 0, I32 = 1, F32 = 2, I64 = 3, STRUCT = 4;

    @Override
    public synchronized void launch(String kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArgs args) {
        open();
        EmulatorLibrary.Kernel k = kernels.get(kernel);
        if (k != null && !k.testOnly() && !index.contains(kernel)) {
            throw new DeviceException(kernel + " (" + k.source() + ") is not in kernels/ptx/index.txt, so a GPU would not "
                    + "find it: the PTX is stale, run tools/build-kernels");
        }
        // the limits a GPU applies (rrcm.device.LaunchLimits), with the kernel's static shared memory from the index
        LaunchLimits.checkGeometry(kernel, grid, block);
        LaunchLimits.optIn(kernel, index.staticShared(kernel), sharedBytes, LaunchLimits.EMULATED_OPT_IN_MAX);
        List<KernelArgs.Arg> list = args.list();
        int n = list.size();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment kinds = arena.allocate(JAVA_INT, Math.max(1, n));
            MemorySegment sizes = arena.allocate(JAVA_LONG, Math.max(1, n));
            MemorySegment values = arena.allocate(ADDRESS, Math.max(1, n));
            for (int i = 0; i < n; i++) {
                MemorySegment v;
                int kind;
                switch (list.get(i)) {
                    case KernelArgs.Ptr p -> {
                        long address = 0;
                        if (p.buffer() != null) {
                            Buffer b = own(p.buffer(), kernel + " argument " + i);
                            if (p.offset() < 0 || p.offset() > b.bytes) {
                                throw new DeviceException(kernel + " argument " + i + ": offset " + p.offset()
                                        + " is outside buffer '" + b.label + "' of " + b.bytes + " bytes");
                            }
                            address = b.address + p.offset();
                        }
                        v = arena.allocate(JAVA_LONG);
                        v.set(JAVA_LONG, 0, address);
                        kind = PTR;
                    }
                    case KernelArgs.I32 a -> {
                        v = arena.allocate(JAVA_INT);
                        v.set(JAVA_INT, 0, a.value());
                        kind = I32;
                    }
                    case KernelArgs.F32 a -> {
                        v = arena.allocate(JAVA_FLOAT);
                        v.set(JAVA_FLOAT, 0, a.value());
                        kind = F32;
                    }
                    case KernelArgs.I64 a -> {
                        v = arena.allocate(JAVA_LONG);
                        v.set(JAVA_LONG, 0, a.value());
                        kind = I64;
                    }
                    case KernelArgs.Struct s -> {
                        v = arena.allocate(JAVA_INT, Math.max(1, s.words().length));
                        MemorySegment.copy(s.words(), 0, v, JAVA_INT, 0, s.words().length);
                        kind = STRUCT;
                    }
                }
                kinds.setAtIndex(JAVA_INT, i, kind);
                sizes.setAtIndex(JAVA_LONG, i, list.get(i) instanceof KernelArgs.Struct s ? 4L * s.words().length : v.byteSize());
                values.setAtIndex(ADDRESS, i, v);
            }
            MemorySegment g = arena.allocateFrom(JAVA_INT, grid.x(), grid.y(), grid.z());
            MemorySegment b = arena.allocateFrom(JAVA_INT, block.x(), block.y(), block.z());
            // the library's state (its error and faults) belongs to its last launch: read it under the same lock
            synchronized (lib) {
                int rc = lib.launch(arena.allocateFrom(kernel), g, b, sharedBytes, n, kinds, sizes, values,
                        schedule.order().ordinal(), schedule.seed());
                if (rc == 1) throw new DeviceException(lib.error());
                if (rc == 2) throw new DeviceException(faultMessage(kernel, list, lib.faults()));
                if (rc != 0) throw new DeviceException(kernel + ": the emulator returned " + rc);
            }
        }
    }

    private String faultMessage(String kernel, List<KernelArgs.Arg> args, List<EmulatorLibrary.Fault> faults) {
        StringBuilder m = new StringBuilder(kernel + " wrote outside ");
        for (int f = 0; f < faults.size(); f++) {
            EmulatorLibrary.Fault fault = faults.get(f);
            Buffer b = buffers.get(fault.base());
            if (f > 0) m.append("; and outside ");
            m.append(b == null ? "an unknown buffer" : "buffer '" + b.label + "' (" + b.bytes + " bytes)");
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i) instanceof KernelArgs.Ptr p && p.buffer() == b && b != null) positions.add(i);
            }
            if (!positions.isEmpty()) m.append(", argument ").append(positions.size() == 1 ? positions.get(0) : positions);
            if (fault.first() < 0) {
                m.append(": offsets ").append(fault.first()).append(" to ").append(fault.last()).append(" (before its start)");
            } else {
                long end = b == null ? 0 : b.bytes;
                m.append(": ").append(fault.last() - fault.first() + 1).append(" bytes from byte ").append(fault.first() - end)
                        .append(" past its end");
            }
        }
        return m.toString();
    }

    @Override
    public void synchronize() {
        // launches and copies complete before they return
    }

    private record Event(long nanos) implements DeviceEvent {
        @Override
        public void close() {}
    }

    @Override
    public DeviceEvent record() {
        return new Event(System.nanoTime());
    }

    @Override
    public float elapsedMillis(DeviceEvent start, DeviceEvent end) {
        if (!(start instanceof Event s) || !(end instanceof Event e)) throw new DeviceException("events of another device");
        return (e.nanos - s.nanos) / 1e6f;
    }

    /** Frees every buffer still allocated. The library itself stays loaded for the process. */
    @Override
    public synchronized void close() {
        if (closed) return;
        for (Buffer b : new ArrayList<>(buffers.values())) free(b);
        closed = true;
    }
}
