package rrcm.device.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rrcm.device.DeviceBuffer;
import rrcm.device.DeviceException;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The emulator's checks catch the bugs they exist for: each planted bug of kernels/test/planted_bugs.cu
 * (a missing barrier, an out-of-bounds write, a read of shared memory nobody wrote) shows, and the
 * misuses of the CUDA model it does not support fail the launch with a message.
 */
class EmulatorChecksTest {
    private EmulatorDevice dev;

    @BeforeEach
    void open() {
        dev = TestEmulator.open();
    }

    @AfterEach
    void close() {
        dev.close();
    }

    private DeviceBuffer upload(float[] x, String label) {
        DeviceBuffer b = dev.allocate(4L * x.length, label);
        dev.copyFromHost(x, 0, b, 0, x.length);
        return b;
    }

    private float[] download(DeviceBuffer b, int n) {
        float[] x = new float[n];
        dev.copyToHost(b, 0, x, 0, n);
        return x;
    }

    private float[] rotate(String kernel, int n, EmulatorDevice.Schedule schedule) {
        float[] in = new float[n];
        for (int i = 0; i < n; i++) in[i] = i;
        DeviceBuffer src = upload(in, "in"), dst = dev.allocate(4L * n, "out");
        dev.schedule(schedule).launch(kernel, Dim3.of(1), Dim3.of(n), 0, KernelArgs.of().ptr(src).ptr(dst));
        float[] out = download(dst, n);
        dev.free(src);
        dev.free(dst);
        return out;
    }

    @Test
    void aMissingBarrierChangesTheResultWithTheScheduleOrder() {
        int n = 96;
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) expected[i] = (i + 1) % n;
        EmulatorDevice.Schedule[] schedules = {EmulatorDevice.Schedule.forward(), EmulatorDevice.Schedule.reverse(),
                EmulatorDevice.Schedule.shuffled(1), EmulatorDevice.Schedule.shuffled(2)};
        // with the barrier, every order gives the right answer
        for (EmulatorDevice.Schedule s : schedules) assertArrayEquals(expected, rotate("rotate_shared", n, s), "order " + s);
        // without it, forward order reads the poisoned slots of threads that have not run yet
        float[] forward = rotate("planted_missing_sync", n, EmulatorDevice.Schedule.forward());
        float[] reverse = rotate("planted_missing_sync", n, EmulatorDevice.Schedule.reverse());
        float[] shuffled = rotate("planted_missing_sync", n, EmulatorDevice.Schedule.shuffled(7));
        assertTrue(Float.isNaN(forward[0]), "forward order: thread 0 reads thread 1's slot before thread 1 wrote it");
        assertFalse(java.util.Arrays.equals(expected, forward), "forward order exposes the missing barrier");
        assertFalse(java.util.Arrays.equals(forward, reverse), "the result depends on the order");
        assertFalse(java.util.Arrays.equals(expected, shuffled), "a shuffled order exposes it too");
    }

    @Test
    void anOutOfBoundsWriteFailsTheLaunchNamingKernelBufferAndArgument() {
        int n = 100;
        DeviceBuffer out = dev.allocate(4L * n, "activations");
        DeviceException e = assertThrows(DeviceException.class, () -> dev.launch("planted_out_of_bounds", Dim3.of(4),
                Dim3.of(32), 0, KernelArgs.of().ptr(out).i32(n)));
        assertTrue(e.getMessage().contains("planted_out_of_bounds"), e.getMessage());
        assertTrue(e.getMessage().contains("'activations'"), e.getMessage());
        assertTrue(e.getMessage().contains("argument 0"), e.getMessage());
        assertTrue(e.getMessage().contains("112 bytes from byte 0 past its end"), e.getMessage()); // 28 floats too many
        // the guard is re-armed: a correct launch afterwards passes
        dev.launch("planted_out_of_bounds", Dim3.of(3), Dim3.of(32), 0, KernelArgs.of().ptr(out).i32(96));
    }

    @Test
    void sharedMemoryIsPoisonedWithNaNBeforeEachBlock() {
        DeviceBuffer out = dev.allocate(4L * 256, "out");
        dev.launch("planted_uninitialized_shared", Dim3.of(1), Dim3.of(256), 0, KernelArgs.of().ptr(out));
        for (float v : download(out, 256)) assertTrue(Float.isNaN(v), "a read of unwritten shared memory gives NaN");
    }

    @Test
    void newDeviceMemoryReadsAsNaN() {
        DeviceBuffer b = dev.allocate(64, "fresh");
        for (float v : download(b, 16)) assertTrue(Float.isNaN(v));
    }

    private DeviceException launchFails(String kernel, int threads, KernelArgs args) {
        return assertThrows(DeviceException.class, () -> dev.launch(kernel, Dim3.of(1), Dim3.of(threads), 0, args));
    }

    @Test
    void divergentBarriersFailWithBothSourceLines() {
        DeviceBuffer out = dev.allocate(4L * 64, "out");
        DeviceException e = launchFails("emu_divergent_barrier", 64, KernelArgs.of().ptr(out));
        assertTrue(e.getMessage().contains("diverged"), e.getMessage());
        assertTrue(e.getMessage().contains("emu_features.cu:"), e.getMessage());
        e = launchFails("emu_early_exit_barrier", 64, KernelArgs.of().ptr(out));
        assertTrue(e.getMessage().contains("have already returned"), e.getMessage());
    }

    @Test
    void partialWarpMasksAndMisalignedVectorLoadsAreRefused() {
        DeviceBuffer in = dev.allocate(4L * 256, "in"), out = dev.allocate(4L * 64, "out");
        DeviceException e = launchFails("emu_partial_mask", 32, KernelArgs.of().ptr(out));
        assertTrue(e.getMessage().contains("0x0000ffff"), e.getMessage());
        e = launchFails("emu_misaligned_float4", 32, KernelArgs.of().ptr(in).ptr(out));
        assertTrue(e.getMessage().contains("misaligned access"), e.getMessage());
        assertTrue(e.getMessage().contains("emu_features.cu:"), e.getMessage());
    }

    @Test
    void argumentsMustMatchTheKernelSignature() {
        DeviceBuffer out = dev.allocate(4L * 32, "out");
        DeviceException e = launchFails("planted_out_of_bounds", 32, KernelArgs.of().ptr(out).f32(32f));
        assertEquals("planted_out_of_bounds: parameter 1 is a 32-bit integer, the launch passed a float", e.getMessage());
        e = launchFails("planted_out_of_bounds", 32, KernelArgs.of().ptr(out));
        assertTrue(e.getMessage().contains("takes 2 arguments, the launch passed 1"), e.getMessage());
        e = launchFails("no_such_kernel", 32, KernelArgs.of());
        assertTrue(e.getMessage().contains("no kernel named 'no_such_kernel'"), e.getMessage());
        DeviceBuffer freed = dev.allocate(16, "gone");
        dev.free(freed);
        e = launchFails("planted_out_of_bounds", 32, KernelArgs.of().ptr(freed).i32(4));
        assertTrue(e.getMessage().contains("'gone' was already freed"), e.getMessage());
    }

    @Test
    void launchConfigurationsOutsideTheLimitsAreRefused() {
        DeviceBuffer out = dev.allocate(4L * 2048, "out");
        DeviceException e = assertThrows(DeviceException.class, () -> dev.launch("planted_out_of_bounds", Dim3.of(1),
                Dim3.of(2048), 0, KernelArgs.of().ptr(out).i32(2048)));
        assertTrue(e.getMessage().contains("is outside the 1024 threads"), e.getMessage());
        e = assertThrows(DeviceException.class, () -> dev.launch("emu_dynamic_reverse", Dim3.of(1), Dim3.of(32),
                200_000, KernelArgs.of().ptr(out).ptr(out)));
        assertTrue(e.getMessage().contains("dynamic shared memory"), e.getMessage());
    }

    @Test
    void copiesOutsideABufferAreRefused() {
        DeviceBuffer b = dev.allocate(16, "small");
        DeviceException e = assertThrows(DeviceException.class, () -> dev.copyFromHost(new float[5], 0, b, 0, 5));
        assertTrue(e.getMessage().contains("outside buffer 'small'"), e.getMessage());
    }
}
