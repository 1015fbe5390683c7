package rrcm.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import rrcm.device.emulator.EmulatorDevice;
import rrcm.device.emulator.TestEmulator;

/** The launch limits both devices apply, and the emulator applying them with the index's static sizes. */
class LaunchLimitsTest {
    @Test
    void theOptInCountsStaticSharedMemoryToo() {
        // the old InfoNCE backward kernel at feature widths 192 to 1024: 512 static bytes beside exactly 48 KiB of dynamic ones
        assertEquals(48 * 1024, LaunchLimits.optIn("infonce_backward_k", 512, 48 * 1024, 227 * 1024),
                "49,664 bytes in all need the opt-in although the dynamic part alone is 48 KiB");
        assertEquals(0, LaunchLimits.optIn("k", 0, 48 * 1024, 227 * 1024), "48 KiB in all need none");
        assertEquals(0, LaunchLimits.optIn("k", 1024, 47 * 1024, 227 * 1024));
        assertEquals(100_000, LaunchLimits.optIn("k", 128, 100_000, 227 * 1024));
        DeviceException e = assertThrows(DeviceException.class, () -> LaunchLimits.optIn("attn", 512, 99 * 1024, 99 * 1024));
        assertEquals("attn: 512 bytes of static and 101376 bytes of dynamic shared memory, 101888 in all, exceed the "
                + "101376 bytes a block may have on this device", e.getMessage());
    }

    @Test
    void blocksAndGridsKeepTheHardwaresSizes() {
        LaunchLimits.checkGeometry("k", new Dim3(Integer.MAX_VALUE, 65535, 65535), new Dim3(32, 32, 1));
        assertThrows(DeviceException.class, () -> LaunchLimits.checkGeometry("k", Dim3.of(1), Dim3.of(1025)));
        assertThrows(DeviceException.class, () -> LaunchLimits.checkGeometry("k", Dim3.of(1), new Dim3(1, 1, 65)));
        assertThrows(DeviceException.class, () -> LaunchLimits.checkGeometry("k", new Dim3(1, 65536, 1), Dim3.of(32)));
        DeviceException e = assertThrows(DeviceException.class,
                () -> LaunchLimits.checkGeometry("k", new Dim3(1, 1, 65536), Dim3.of(32)));
        assertTrue(e.getMessage().startsWith("k: a grid of"), e.getMessage());
    }

    @Test
    void theIndexKnowsEveryKernelsStaticSharedMemory() {
        KernelIndex index = KernelIndex.load();
        assertEquals(128, index.staticShared("xent_backward"), "block_reduce's 32 floats");
        assertEquals(128, index.staticShared("xent_forward"), "block_reduce's 32 floats");
        assertEquals(0, index.staticShared("attn_fwd_d8"), "attention stages everything in dynamic shared memory");
        DeviceException bad = assertThrows(DeviceException.class,
                () -> KernelIndex.parse("cuda 13.0\nisa 7.8\nlosses xent_forward\n"));
        assertTrue(bad.getMessage().contains("static-shared-bytes"), bad.getMessage());
        // the PTX declares ISA 7.8, which drivers for CUDA 11.8 and newer load (nvcc 13 alone would need CUDA 13)
        assertEquals("7.8", index.isa());
        assertEquals("11.8", index.requiredCuda());
        assertEquals(11080, index.requiredDriverVersion());
        assertEquals("13.0", KernelIndex.parse("cuda 13.0\nisa 9.0\n").requiredCuda());
        assertThrows(DeviceException.class, () -> KernelIndex.parse("cuda 13.0\nisa 6.4\n"));
    }

    @Test
    void theEmulatorRefusesWhatAGpuWould() {
        try (EmulatorDevice dev = TestEmulator.open()) {
            DeviceBuffer out = dev.allocate(4 * 2048, "out");
            DeviceException threads = assertThrows(DeviceException.class,
                    () -> dev.launch("ew_fill_f32", Dim3.of(1), Dim3.of(2048), 0, KernelArgs.of().ptr(out).f32(1f).i32(2048)));
            assertTrue(threads.getMessage().startsWith("ew_fill_f32: a block of"), threads.getMessage());
            DeviceException shared = assertThrows(DeviceException.class, () -> dev.launch("xent_forward", Dim3.of(1),
                    Dim3.of(32), LaunchLimits.EMULATED_OPT_IN_MAX - 64, KernelArgs.of()));
            assertTrue(shared.getMessage().startsWith("xent_forward: 128 bytes of static and"), shared.getMessage());
            dev.free(out);
        }
    }
}
