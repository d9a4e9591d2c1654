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

async fn folder() -> Result<FileSystemDirectoryHandle, String> {
    let storage =
        global().navigator().storage().ok_or("this browser has no storage manager (Origin Private File System)")?;
    let root = JsFuture::from(storage.get_directory())
        .await
        .map_err(|e| format!("the Origin Private File System is not available: {}", describe(&e)))?;
    let root: FileSystemDirectoryHandle = root.unchecked_into();
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

/// Writes `bytes` to `name` (replacing it), reads the file back and checks it holds exactly them.
pub async fn write_and_read_back(name: &str, bytes: &[u8]) -> Result<(), String> {
    let failed = |e: JsValue| format!("writing {FILES_DIR}/{name} failed: {}", describe(&e));
    let stream: FileSystemWritableFileStream =
        JsFuture::from(file(name, true).await?.create_writable()).await.map_err(failed)?.unchecked_into();
    // A copy outside Wasm memory: the threaded module's memory is shared, which file APIs refuse.
    let copy = Uint8Array::new_with_length(bytes.len() as u32);
    copy.copy_from(bytes);
    JsFuture::from(stream.write_with_js_u8_array(&copy).map_err(failed)?).await.map_err(failed)?;
    JsFuture::from(stream.close()).await.map_err(failed)?;
    let back = read_file(name).await?;
    if back != bytes {
        return Err(format!(
            "{FILES_DIR}/{name} read back {} bytes that differ from the {} written",
            back.len(),
            bytes.len()
        ));
    }
    Ok(())
}

/// The contents of file `name`.
pub async fn read_file(name: &str) -> Result<Vec<u8>, String> {
    let failed = |e: JsValue| format!("reading {FILES_DIR}/{name} failed: {}", describe(&e));
    let contents: File = JsFuture::from(file(name, false).await?.get_file()).await.map_err(failed)?.unchecked_into();
    let buffer = JsFuture::from(contents.array_buffer()).await.map_err(failed)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
