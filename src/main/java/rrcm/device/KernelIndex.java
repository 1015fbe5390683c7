package rrcm.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The production kernels, the PTX module of each and its static shared memory (ptxas's count for sm_90),
 * read from kernels/ptx/index.txt (written by tools/build-kernels, packaged in the jar under
 * rrcm/kernels/ptx/), and the CUDA version whose nvcc wrote the PTX: a driver must support at least that
 * version to load it.
 *
 * <pre>
 * # comment
 * cuda 13.0                            (the nvcc that wrote them)
 * isa 7.8                              (the PTX ISA they declare: a driver for CUDA 11.8 or newer loads it)
 * losses infonce_backward_k 512       (module, kernel, static shared bytes)
 * </pre>
 */
public final class KernelIndex {
    public static final String RESOURCE_DIR = "/rrcm/kernels/ptx/";

    private final String cudaVersion;
    private final String isa;
    private final Map<String, String> moduleOf;
    private final Map<String, Integer> staticShared;

    private KernelIndex(String cudaVersion, String isa, Map<String, String> moduleOf, Map<String, Integer> staticShared) {
        this.cudaVersion = cudaVersion;
        this.isa = isa;
        this.moduleOf = Collections.unmodifiableMap(moduleOf);
        this.staticShared = Collections.unmodifiableMap(staticShared);
    }

    /** The index on the classpath; a build without PTX (which cannot happen from a clean clone) fails here. */
    public static KernelIndex load() {
        try (InputStream in = KernelIndex.class.getResourceAsStream(RESOURCE_DIR + "index.txt")) {
            if (in == null) {
                throw new DeviceException("the kernel index " + RESOURCE_DIR + "index.txt is not on the classpath: "
                        + "kernels/ptx/ is missing from this build (tools/build-kernels writes it)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DeviceException("cannot read the kernel index: " + e.getMessage(), e);
        }
    }

    static KernelIndex parse(String text) {
        String version = null, isa = null;
        Map<String, String> modules = new LinkedHashMap<>();
        Map<String, Integer> shared = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\s+");
            if (f.length == 2 && f[0].equals("cuda")) {
                version = f[1];
                continue;
            }
            if (f.length == 2 && f[0].equals("isa")) {
                isa = f[1];
                continue;
            }
            if (f.length != 3 || !f[2].matches("\\d+")) {
                throw new DeviceException("kernel index: bad line '" + line + "' (module kernel static-shared-bytes)");
            }
            modules.put(f[1], f[0]);
            shared.put(f[1], Integer.parseInt(f[2]));
        }
        if (version == null) throw new DeviceException("kernel index: no 'cuda <version>' line");
        if (isa == null || cudaOfIsa(isa) == null) throw new DeviceException("kernel index: no known 'isa <version>' line");
        return new KernelIndex(version, isa, modules, shared);
    }

    /** The CUDA version of the nvcc that wrote the PTX, e.g. "13.0". */
    public String cudaVersion() {
        return cudaVersion;
    }

    /** The PTX ISA version the files declare, e.g. "7.8". */
    public String isa() {
        return isa;
    }

    /** The oldest CUDA whose driver loads that ISA, e.g. "11.8". */
    public String requiredCuda() {
        return cudaOfIsa(isa);
    }

    /** That CUDA version as the driver API reports versions: 1000 * major + 10 * minor. */
    public int requiredDriverVersion() {
        String[] p = requiredCuda().split("\\.");
        return 1000 * Integer.parseInt(p[0]) + 10 * Integer.parseInt(p[1]);
    }

    /** The CUDA release that introduced a PTX ISA version (NVIDIA's PTX release notes), or null for one not listed. */
    static String cudaOfIsa(String isa) {
        return switch (isa) {
            case "7.0" -> "11.0";
            case "7.1" -> "11.1";
            case "7.2" -> "11.2";
            case "7.3" -> "11.3";
            case "7.4" -> "11.4";
            case "7.5" -> "11.5";
            case "7.6" -> "11.6";
            case "7.7" -> "11.7";
            case "7.8" -> "11.8";
            case "8.0" -> "12.0";
            case "8.1" -> "12.1";
            case "8.2" -> "12.2";
            case "8.3" -> "12.3";
            case "8.4" -> "12.4";
            case "8.5" -> "12.5";
            case "8.6" -> "12.7";
            case "8.7" -> "12.8";
            case "8.8" -> "12.9";
            case "9.0" -> "13.0";
            default -> null;
        };
    }

    public Set<String> kernels() {
        return moduleOf.keySet();
    }

    public boolean contains(String kernel) {
        return moduleOf.containsKey(kernel);
    }

    /** The module (PTX file name without .ptx) that holds the kernel, or null. */
    public String moduleOf(String kernel) {
        return moduleOf.get(kernel);
    }

    /** The kernel's static shared memory in bytes (ptxas's count for sm_90), or 0 for a kernel not in the index. */
    public int staticShared(String kernel) {
        return staticShared.getOrDefault(kernel, 0);
    }

    /** The PTX text of a module, NUL-terminated as cuModuleLoadData wants it. */
    public byte[] ptx(String module) {
        try (InputStream in = KernelIndex.class.getResourceAsStream(RESOURCE_DIR + module + ".ptx")) {
            if (in == null) throw new DeviceException("PTX module " + RESOURCE_DIR + module + ".ptx is not on the classpath");
            byte[] text = in.readAllBytes();
            byte[] z = new byte[text.length + 1];
            System.arraycopy(text, 0, z, 0, text.length);
            return z;
        } catch (IOException e) {
            throw new DeviceException("cannot read PTX module " + module + ": " + e.getMessage(), e);
        }
    }
}
