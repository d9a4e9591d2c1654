//! `fetch_write`'s files, in the Origin Private File System: private to this origin, no
//! permission prompt, available in workers. Every write is read back and compared.

use crate::{describe, global};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetDirectoryOptions, FileSystemGetFileOptions,
    FileSystemWritableFileStream,
};

/// The folder (in the origin's private file system) the files go to.
pub const FILES_DIR: &str = "threadlab";

/// The root of the origin's private file system, or why there is none here.
async fn root() -> Result<FileSystemDirectoryHandle, String> {
    let storage = global().navigator().storage().ok_or("no navigator.storage here")?;
    let get_directory = js_sys::Reflect::get(&storage, &"getDirectory".into()).unwrap_or_default();
    if !get_directory.is_function() {
        return Err("navigator.storage has no getDirectory".into());
    }
    let root = JsFuture::from(storage.get_directory()).await.map_err(|e| format!("rejected, {}", describe(&e)))?;
    Ok(root.unchecked_into())
}

async fn folder() -> Result<FileSystemDirectoryHandle, String> {
    let root = root().await.map_err(|why| format!("the Origin Private File System is not available: {why}"))?;
    let options = FileSystemGetDirectoryOptions::new();
    options.set_create(true);
    let dir =
        JsFuture::from(root.get_directory_handle_with_options(FILES_DIR, &options)).await.map_err(|e| describe(&e))?;
    Ok(dir.unchecked_into())
}

async fn file(name: &str, create: bool) -> Result<FileSystemFileHandle, String> {
    let options = FileSystemGetFileOptions::new();
    options.set_create(create);
    let handle = JsFuture::from(folder().await?.get_file_handle_with_options(name, &options)).await;
    Ok(handle.map_err(|e| format!("cannot open {FILES_DIR}/{name}: {}", describe(&e)))?.unchecked_into())
}

/// A file's `FileSystemSyncAccessHandle`: synchronous reads and writes, only in dedicated
/// workers, where every write of this project runs. Safari before 26 has no other way to write
/// (no `createWritable`). Early versions (Chromium before 108, older Safari) returned promises
/// from `truncate`, `getSize`, `flush` and `close`, so their results are awaited
/// when they are promises.
#[wasm_bindgen]
extern "C" {
    type SyncAccessHandle;
    #[wasm_bindgen(method, catch)]
    fn truncate(this: &SyncAccessHandle, size: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn write(this: &SyncAccessHandle, buffer: &Uint8Array, options: &JsValue) -> Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn read(this: &SyncAccessHandle, buffer: &Uint8Array, options: &JsValue) -> Result<f64, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn flush(this: &SyncAccessHandle) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getSize)]
    fn get_size(this: &SyncAccessHandle) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn close(this: &SyncAccessHandle) -> Result<JsValue, JsValue>;

    /// A `FileSystemFileHandle`, for the method web-sys leaves out.
    type SyncCapableHandle;
    #[wasm_bindgen(method, js_name = createSyncAccessHandle)]
    fn create_sync_access_handle(this: &SyncCapableHandle) -> js_sys::Promise;
}

/// The value itself, or what it resolves to if it is a promise.
async fn settled(value: JsValue) -> Result<JsValue, JsValue> {
    match value.dyn_into::<js_sys::Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

/// Whether file handles have method `name` here (`createSyncAccessHandle` only exists in
/// dedicated workers; `createWritable` is missing from Safari before 26).
fn handles_have(name: &str) -> bool {
    let class = js_sys::Reflect::get(&js_sys::global(), &"FileSystemFileHandle".into()).unwrap_or_default();
    let prototype = js_sys::Reflect::get(&class, &"prototype".into()).unwrap_or_default();
    prototype.is_object() && js_sys::Reflect::has(&prototype, &name.into()).unwrap_or(false)
}

/// What this context offers for files: the directory (`Err` with why not), sync access handles,
/// writable streams.
pub async fn file_support() -> (Result<(), String>, bool, bool) {
    let directory = root().await.map(drop);
    (directory, handles_have("createSyncAccessHandle"), handles_have("createWritable"))
}

/// Writes `bytes` to `name` (replacing it), reads the file back and checks it holds exactly them:
/// with a sync access handle where there is one (a dedicated worker), else a writable stream.
pub async fn write_and_read_back(name: &str, bytes: &[u8]) -> Result<(), String> {
    let handle = file(name, true).await?;
    // A copy outside Wasm memory: the threaded module's memory is shared, which file APIs refuse.
    let copy = Uint8Array::new_with_length(bytes.len() as u32);
    copy.copy_from(bytes);
    let back = if handles_have("createSyncAccessHandle") {
        write_and_read_synchronously(&handle, name, &copy).await?
    } else if handles_have("createWritable") {
        write_stream(&handle, name, &copy).await?;
        read_file(name).await?
    } else {
        return Err(format!(
            "cannot write {FILES_DIR}/{name}: this browser's file handles have neither createSyncAccessHandle nor \
             createWritable here"
        ));
    };
    if back != bytes {
        return Err(format!(
            "{FILES_DIR}/{name} read back {} bytes that differ from the {} written",
            back.len(),
            bytes.len()
        ));
    }
    Ok(())
}

async fn write_stream(handle: &FileSystemFileHandle, name: &str, copy: &Uint8Array) -> Result<(), String> {
    let failed = |e: JsValue| format!("writing {FILES_DIR}/{name} failed: {}", describe(&e));
    let stream: FileSystemWritableFileStream =
        JsFuture::from(handle.create_writable()).await.map_err(failed)?.unchecked_into();
    JsFuture::from(stream.write_with_js_u8_array(copy).map_err(failed)?).await.map_err(failed)?;
    JsFuture::from(stream.close()).await.map_err(failed)?;
    Ok(())
}

/// Writes `copy` through a sync access handle and reads it back through the same handle, which
/// is closed whatever happens (it locks the file while open).
async fn write_and_read_synchronously(
    handle: &FileSystemFileHandle,
    name: &str,
    copy: &Uint8Array,
) -> Result<Vec<u8>, String> {
    let failed = |e: JsValue| format!("writing {FILES_DIR}/{name} failed: {}", describe(&e));
    let access: SyncAccessHandle =
        JsFuture::from(handle.unchecked_ref::<SyncCapableHandle>().create_sync_access_handle())
            .await
            .map_err(failed)?
            .unchecked_into();
    let at_start = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&at_start, &"at".into(), &0.into());
    let result = async {
        settled(access.truncate(0.0)?).await?;
        let written = access.write(copy, &at_start)?;
        settled(access.flush()?).await?;
        let size = settled(access.get_size()?).await?.as_f64().unwrap_or(written);
        let back = Uint8Array::new_with_length(size as u32);
        let read = access.read(&back, &at_start)?;
        Ok::<_, JsValue>(back.subarray(0, read as u32).to_vec())
    }
    .await;
    let closed = match access.close() {
        Ok(value) => settled(value).await.map(drop),
        Err(e) => Err(e),
    };
    let back = result.map_err(failed)?;
    closed.map_err(failed)?;
    Ok(back)
}

/// The contents of file `name`.
pub async fn read_file(name: &str) -> Result<Vec<u8>, String> {
    let failed = |e: JsValue| format!("reading {FILES_DIR}/{name} failed: {}", describe(&e));
    let contents: File = JsFuture::from(file(name, false).await?.get_file()).await.map_err(failed)?.unchecked_into();
    let buffer = JsFuture::from(contents.array_buffer()).await.map_err(failed)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
