package dev.coop.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Container state under the state root: ROOT/ID/state.json (written atomically), the monitor's
 * ROOT/ID/pid and ROOT/ID/exit, the log of a detached container, and ROOT/.names/NAME -> ID.
 * Reserving the id directory with mkdir and the name with a symlink makes both atomic claims,
 * so two concurrent `coop run --name x` cannot both win.
 */
public final class StateStore {
    private static final JsonFactory JSON = new JsonFactory();
    private final Path root;

    public StateStore(Path root) {
        this.root = root;
    }

    public Path root() { return root; }
    public Path dir(ContainerId id) { return root.resolve(id.value()); }
    public Path pidFile(ContainerId id) { return dir(id).resolve("pid"); }
    public Path exitFile(ContainerId id) { return dir(id).resolve("exit"); }
    public Path logFile(ContainerId id) { return dir(id).resolve("container.log"); }
    public Path rootfsMountpoint(ContainerId id) { return dir(id).resolve("rootfs"); }
    private Path names() { return root.resolve(".names"); }

    /** Claims the id (and the name, if any); throws {@link ContainerException.Exists} if taken. */
    public void reserve(ContainerId id, String name) throws ContainerException {
        try {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createDirectories(names());
            Files.createDirectory(dir(id));
        } catch (FileAlreadyExistsException e) {
            throw new ContainerException.Exists("container id " + id);
        } catch (IOException e) {
            throw new ContainerException("cannot create the state directory " + dir(id) + ": " + e, e);
        }
        if (name == null) return;
        try {
            Files.createSymbolicLink(names().resolve(name), Path.of(id.value()));
        } catch (FileAlreadyExistsException e) {
            deleteQuietly(dir(id));
            throw new ContainerException.Exists("the name '" + name + "'");
        } catch (IOException e) {
            deleteQuietly(dir(id));
            throw new ContainerException("cannot record the name " + name + ": " + e, e);
        }
    }

    /** Serializes commands on one container (rm against a concurrent kill, for example). */
    public FileChannel lock(ContainerId id) throws ContainerException {
        try {
            FileChannel ch = FileChannel.open(dir(id).resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ch.lock();
            return ch;
        } catch (NoSuchFileException e) {
            throw new ContainerException.NotFound(id.value());
        } catch (IOException e) {
            throw new ContainerException("cannot lock " + dir(id) + ": " + e, e);
        }
    }

    public void write(ContainerRecord r) throws ContainerException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", r.id().value());
            if (r.name() != null) g.writeStringField("name", r.name());
            g.writeNumberField("created", r.createdMillis());
            g.writeStringField("source", r.source());
            if (r.imageId() != null) g.writeStringField("image", r.imageId());
            if (r.stopSignal() != null) g.writeStringField("stopSignal", r.stopSignal());
            g.writeArrayFieldStart("command");
            for (String a : r.command()) g.writeString(a);
            g.writeEndArray();
            g.writeStringField("hostname", r.hostname());
            g.writeNumberField("memoryLimit", r.memoryLimit());
            g.writeBooleanField("detached", r.detached());
            g.writeBooleanField("remove", r.remove());
            g.writeNumberField("creatorPid", r.creatorPid());
            g.writeEndObject();
        } catch (IOException e) {
            throw new ContainerException("cannot encode state of " + r.id(), e);
        }
        writeAtomic(dir(r.id()).resolve("state.json"), out.toByteArray());
    }

    static void writeAtomic(Path target, byte[] data) throws ContainerException {
        try {
            dev.coop.sys.AtomicFiles.write(target, data);
        } catch (IOException e) {
            throw new ContainerException("cannot write " + target + ": " + e, e);
        }
    }

    public ContainerRecord read(ContainerId id) throws ContainerException {
        Path f = dir(id).resolve("state.json");
        String idv = null, name = null, source = "", hostname = "", image = null, stop = null;
        long created = 0, mem = -1;
        boolean detached = false, remove = false;
        int creator = 0;
        List<String> cmd = new ArrayList<>();
        try (JsonParser p = JSON.createParser(Files.readAllBytes(f))) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> idv = p.getText();
                    case "name" -> name = p.getText();
                    case "created" -> created = p.getLongValue();
                    case "source" -> source = p.getText();
                    case "image" -> image = p.getText();
                    case "stopSignal" -> stop = p.getText();
                    case "hostname" -> hostname = p.getText();
                    case "memoryLimit" -> mem = p.getLongValue();
                    case "detached" -> detached = p.getBooleanValue();
                    case "remove" -> remove = p.getBooleanValue();
                    case "creatorPid" -> creator = p.getIntValue();
                    case "command" -> {
                        while (p.nextToken() != JsonToken.END_ARRAY) cmd.add(p.getText());
                    }
                    default -> {
                        if (t.isStructStart()) p.skipChildren();
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new ContainerException.NotFound(id.value());
        } catch (IOException e) {
            throw new ContainerException("corrupt state file " + f + ": " + e.getMessage() + " (coop rm -f " + id + " removes it)", e);
        }
        if (!id.value().equals(idv)) throw new ContainerException("state file " + f + " names another container: " + idv);
        return new ContainerRecord(id, name, created, source, image, cmd, hostname, mem, detached, remove, creator, stop);
    }

    /** The monitor's pid file: "CONTAINER_PID MONITOR_PID", or null before it exists. */
    public int[] readPids(ContainerId id) {
        try {
            String[] f = Files.readString(pidFile(id)).trim().split("\\s+");
            return new int[] {Integer.parseInt(f[0]), f.length > 1 ? Integer.parseInt(f[1]) : 0};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public ExitRecord readExit(ContainerId id) {
        int status = 0, code = 0;
        long finished = 0;
        String error = "";
        try (JsonParser p = JSON.createParser(Files.readAllBytes(exitFile(id)))) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                p.nextToken();
                switch (field) {
                    case "status" -> status = p.getIntValue();
                    case "exitCode" -> code = p.getIntValue();
                    case "finishedAt" -> finished = p.getLongValue();
                    case "error" -> error = p.getText();
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return new ExitRecord(status, code, finished, error);
    }

    public List<ContainerId> list() throws ContainerException {
        List<ContainerId> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) return ids;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && Files.isDirectory(p)) ids.add(new ContainerId(n));
            }
        } catch (IOException e) {
            throw new ContainerException("cannot list " + root + ": " + e, e);
        }
        return ids;
    }

    /** An exact id, a name, or an unambiguous id prefix. */
    public ContainerId resolve(String ref) throws ContainerException {
        ContainerId asId;
        try {
            asId = new ContainerId(ref);
        } catch (IllegalArgumentException e) {
            throw new ContainerException.NotFound(ref);
        }
        if (Files.isDirectory(dir(asId))) return asId;
        Path link = names().resolve(ref);
        if (Files.isSymbolicLink(link)) {
            try {
                return new ContainerId(Files.readSymbolicLink(link).toString());
            } catch (IOException e) {
                throw new ContainerException("cannot read " + link + ": " + e, e);
            }
        }
        List<ContainerId> matches = list().stream().filter(i -> i.value().startsWith(ref)).toList();
        if (matches.size() == 1) return matches.get(0);
        if (matches.size() > 1) throw new ContainerException("'" + ref + "' matches " + matches.size() + " containers: give more of the id", 1, null);
        throw new ContainerException.NotFound(ref);
    }

    /** Removes the state directory and the name link. */
    public void remove(ContainerId id, String name) throws ContainerException {
        if (name != null) {
            Path link = names().resolve(name);
            try {
                if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().equals(id.value())) Files.delete(link);
            } catch (IOException e) {
                throw new ContainerException("cannot remove the name link " + link + ": " + e, e);
            }
        }
        try {
            dev.coop.overlay.ContainerLayer.deleteTree(dir(id));
        } catch (IOException e) {
            throw new ContainerException("cannot remove " + dir(id) + ": " + e, e);
        }
    }

    /** Drops names whose container directory is gone (a crash between the two removals). */
    public void removeDanglingName(String name) {
        Path link = names().resolve(name);
        try {
            if (Files.isSymbolicLink(link) && !Files.isDirectory(root.resolve(Files.readSymbolicLink(link)))) Files.delete(link);
        } catch (IOException ignored) {
            // best effort: reserve() reports the name as taken if it is still there
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            dev.coop.overlay.ContainerLayer.deleteTree(p);
        } catch (IOException ignored) {
            // only called on paths we just created, while reporting another error
        }
    }
}
