//! What every hand-written operation needs, so none writes it twice: sending through the
//! client's hooks (the runtime's auth, retries and tracing, as generated operations get), and
//! turning answers into the same typed results.

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue};

use crate::Runtime;

/// Sends `request` as the operation `operation_id`, through `client`'s hooks.
pub async fn execute<C, E>(
    client: &C,
    mut request: reqwest::Request,
    operation_id: &'static str,
) -> Result<reqwest::Response, Error<E>>
where
    C: ClientHooks<Runtime> + ClientInfo<Runtime>,
{
    let info = OperationInfo { operation_id };
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    Ok(result?)
}

/// A JSON answer: typed on success; the typed error body on 4XX/5XX.
pub async fn json_answer<T, E>(response: reqwest::Response) -> Result<ResponseValue<T>, Error<E>>
where
    T: serde::de::DeserializeOwned,
    E: serde::de::DeserializeOwned,
{
    if response.status().is_success() {
        ResponseValue::from_response(response).await
    } else {
        Err(error_answer(response).await)
    }
}

/// An answer without a body: `()` on success; the typed error body on 4XX/5XX.
pub async fn empty_answer<E>(response: reqwest::Response) -> Result<ResponseValue<()>, Error<E>>
where
    E: serde::de::DeserializeOwned,
{
    if response.status().is_success() {
        Ok(ResponseValue::new(
            (),
            response.status(),
            response.headers().clone(),
        ))
    } else {
        Err(error_answer(response).await)
    }
}

/// A failed answer as the generated operations report it: the typed error body for 4XX and
/// 5XX (or the body's bytes when it does not parse), the raw response otherwise.
pub async fn error_answer<E>(response: reqwest::Response) -> Error<E>
where
    E: serde::de::DeserializeOwned,
{
    match response.status().as_u16() {
        400..=599 => match ResponseValue::from_response(response).await {
            Ok(body) => Error::ErrorResponse(body),
            Err(error) => error,
        },
        _ => Error::UnexpectedResponse(response),
    }
}
